package dev.bytegrad.cli.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GradientCheck;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first models, trained for real on the shipped data with the interpreter, reach their bars. */
class ZooTrainingTest {
  private static Trainer.Result train(String name) {
    ZooModel model = Zoo.get(name);
    return Trainer.train(model, Trainer.Options.defaults(model, 1), (epoch, epochs, loss, metrics, seconds) -> {});
  }

  @Test
  void linearRegression_testMseIsWithinFivePercentOfTheClosedForm() {
    Trainer.Result result = train("linreg");
    double closedForm = result.metrics().get("closed_form_test_mse");
    assertThat(closedForm).isBetween(2000.0, 4500.0);
    assertThat(result.metrics().get("test_mse")).isLessThanOrEqualTo(1.05 * closedForm);
  }

  @Test
  void logisticRegression_separatesZerosFromOnes() {
    assertThat(train("logreg").metrics().get("test_accuracy")).isGreaterThanOrEqualTo(0.98);
  }

  @Test
  void softmaxRegression_reaches93PercentOnDigits() {
    assertThat(train("softmax").metrics().get("test_accuracy")).isGreaterThanOrEqualTo(0.93);
  }

  @Test
  void mlp_reaches96PercentOnDigits() {
    Trainer.Result result = train("mlp");
    assertThat(result.metrics().get("test_accuracy")).isGreaterThanOrEqualTo(0.96);
    assertThat(result.finalLoss()).isLessThan(0.1);
  }

  @Test
  void mlp_passesAGradientCheckOnRealDigits() {
    ZooModel mlp = Zoo.get("mlp");
    Dataset train = mlp.data(1).train();
    Graph graph = new Graph();
    ZooModel.Network network = mlp.build(graph, 8);
    Map<Node, Tensor> feeds = new HashMap<>(Parameters.initialize(graph, 3).feeds(graph));
    Dataset batch = train.select(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
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
