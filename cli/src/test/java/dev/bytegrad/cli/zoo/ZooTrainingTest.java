package dev.bytegrad.cli.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.cli.train.Trainer;
import dev.bytegrad.cli.train.TrainingOptions;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.graph.GradientCheck;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The zoo's models, trained for real on the shipped data with their defaults, reach their bars. */
class ZooTrainingTest {
  /** Listens to nothing. */
  static final Trainer.Listener SILENT = new Trainer.Listener() {
    @Override
    public void start(int first, int epochs, int stepsPerEpoch) {}

    @Override
    public void step(int epoch, int step, double meanLoss, double meanScore) {}

    @Override
    public void epoch(Trainer.Epoch record, boolean best) {}
  };

  static TrainingOptions defaults(ZooModel model) {
    ZooModel.Hyperparameters d = model.defaults();
    return new TrainingOptions(d.epochs(), d.batchSize(), d.optimizer(), d.learningRate(), d.momentum(), 0, 0, d.schedule(), 0, 1,
        false, 0);
  }

  private static Trainer.Result train(ZooModel model, Data data) {
    return new Trainer(model, data, defaults(model), Backend.ASM, null, SILENT).train();
  }

  private static Trainer.Result train(String name) {
    ZooModel model = Zoo.get(name);
    return train(model, model.prepare(DataSources.load(model.defaultData(), 0, 1)));
  }

  @Test
  void linearRegression_testMseIsWithinFivePercentOfTheClosedForm() {
    ZooModel model = Zoo.get("linreg");
    Data data = model.prepare(DataSources.load("diabetes", 0, 1));
    double closedForm = model.referenceMetrics(data).get("closed_form_test_mse");
    assertThat(closedForm).isBetween(2000.0, 4500.0);
    assertThat(train(model, data).last().testScore()).isLessThanOrEqualTo(1.05 * closedForm);
  }

  @Test
  void logisticRegression_separatesZerosFromOnes() {
    assertThat(train("logreg").last().testScore()).isGreaterThanOrEqualTo(0.98);
  }

  @Test
  void softmaxRegression_reaches93PercentOnDigits() {
    assertThat(train("softmax").last().testScore()).isGreaterThanOrEqualTo(0.93);
  }

  @Test
  void mlp_reaches96PercentOnDigits() {
    Trainer.Result result = train("mlp");
    assertThat(result.last().testScore()).isGreaterThanOrEqualTo(0.96);
    assertThat(result.last().trainLoss()).isLessThan(0.1);
  }

  @Test
  void cnn_beatsTheMlpOnDigits() {
    double cnn = 0;
    double mlp = 0;
    for (long seed : new long[] {1, 2}) {
      for (String name : new String[] {"cnn", "mlp"}) {
        ZooModel model = Zoo.get(name);
        ZooModel.Hyperparameters d = model.defaults();
        TrainingOptions options = new TrainingOptions(d.epochs(), d.batchSize(), d.optimizer(), d.learningRate(), d.momentum(),
            0, 0, d.schedule(), 0, seed, false, 0);
        double accuracy = new Trainer(model, model.prepare(DataSources.load("digits", 0, seed)), options, Backend.ASM, null, SILENT)
            .train().last().testScore();
        if (name.equals("cnn")) {
          cnn += accuracy / 2;
        } else {
          mlp += accuracy / 2;
        }
      }
    }
    assertThat(cnn).as("mean test accuracy of the CNN over two seeds").isGreaterThan(mlp).isGreaterThan(0.98);
  }

  @Test
  void mlp_passesAGradientCheckOnRealDigits() {
    ZooModel mlp = Zoo.get("mlp");
    Data data = DataSources.load("digits", 0, 1);
    Graph graph = new Graph();
    ZooModel.Network network = mlp.build(graph, 8, data.dims());
    Map<Node, Tensor> feeds = new HashMap<>(Parameters.initialize(graph, 3).feeds(graph));
    Dataset batch = data.train().select(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    feeds.put(network.features(), batch.features());
    feeds.put(network.targets(), batch.targets());
    GradientCheck.Report report = GradientCheck.check(network.loss(), graph.parameters(), feeds,
        GradientCheck.DEFAULT_STEP, 200, 5);
    assertThat(report.worstRelativeError()).as(report.toString()).isLessThan(1e-5);
    assertThat(report.elementsChecked()).isEqualTo(200 + 64 + 200 + 10);
    assertThat(network.features().dtype()).isEqualTo(DType.F32);
  }

  @Test
  void digits_areAllThereWithLabelsZeroToNine() {
    Dataset digits = BuiltinData.digits();
    assertThat(digits.size()).isEqualTo(1797);
    assertThat(digits.exampleShape().dims()).containsExactly(64);
    assertThat(digits.targets().ints()).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(BuiltinData.diabetes().size()).isEqualTo(442);
  }
}
