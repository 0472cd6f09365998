package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.train.InterpretedStep;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Optimizer;
import dev.bytegrad.graph.train.Sgd;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import dev.bytegrad.runtime.data.Minibatches;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains a zoo model by minibatch SGD (with momentum when asked) with a fresh seeded shuffle each
 * epoch, on the reference interpreter, and scores it on the held-out test set after every epoch.
 *
 * <p>Every batch is used: a smaller last batch runs through a second graph of its own size over the
 * same named parameters and optimizer state. A loss that stops being finite ends training with an error
 * that says when, instead of a run of NaNs.
 */
public final class Trainer {
  /** Training settings; see {@link ZooModel#defaults()} for each model's. */
  public record Options(int epochs, int batchSize, double learningRate, double momentum, long seed) {
    public Options {
      if (epochs < 1 || batchSize < 1) {
        throw new IllegalArgumentException("epochs and batch size must be at least 1, got " + epochs + " and " + batchSize);
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
      }
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
      }
    }

    /** The model's defaults with this seed. */
    public static Options defaults(ZooModel model, long seed) {
      ZooModel.Hyperparameters d = model.defaults();
      return new Options(d.epochs(), d.batchSize(), d.learningRate(), d.momentum(), seed);
    }
  }

  /** What a run reached: the mean training loss of the last epoch and the test metrics. */
  public record Result(String model, int epochs, double finalLoss, Map<String, Double> metrics, double seconds) {}

  /** Hears about each finished epoch. */
  @FunctionalInterface
  public interface Progress {
    void epoch(int epoch, int epochs, double loss, Map<String, Double> metrics, double seconds);
  }

  private record Step(ZooModel.Network network, InterpretedStep step) {}

  private final ZooModel model;
  private final Options options;
  private final Map<Integer, Step> steps = new HashMap<>();
  private Parameters parameters;

  private Trainer(ZooModel model, Options options) {
    this.model = model;
    this.options = options;
  }

  /** Trains {@code model} with {@code options}, telling {@code progress} after every epoch. */
  public static Result train(ZooModel model, Options options, Progress progress) {
    return new Trainer(model, options).run(progress);
  }

  private Result run(Progress progress) {
    long start = System.nanoTime();
    Dataset.Split split = model.data(options.seed());
    Minibatches batches = new Minibatches(split.train(), Math.min(options.batchSize(), split.train().size()), false, options.seed());
    double loss = Double.NaN;
    Map<String, Double> metrics = Map.of();
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      double[] total = new double[1];
      int current = epoch;
      batches.forEach(epoch, batch -> total[0] += run(batch, current) * batch.size());
      loss = total[0] / split.train().size();
      metrics = evaluate(split);
      progress.epoch(epoch + 1, options.epochs(), loss, metrics, (System.nanoTime() - start) / 1e9);
    }
    return new Result(model.name(), options.epochs(), loss, metrics, (System.nanoTime() - start) / 1e9);
  }

  private double run(Minibatches.Batch batch, int epoch) {
    Step step = steps.computeIfAbsent(batch.size(), this::compile);
    double loss = step.step().run(Map.of(
        step.network().features(), batch.features(),
        step.network().targets(), batch.targets()), options.learningRate());
    if (!Double.isFinite(loss)) {
      throw new IllegalStateException(String.format(
          "the training loss became %s in epoch %d; try a smaller learning rate than %g",
          loss, epoch + 1, options.learningRate()));
    }
    return loss;
  }

  private Step compile(int batchSize) {
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, batchSize);
    Optimizer optimizer = options.momentum() > 0 ? new Momentum(options.momentum()) : new Sgd();
    TrainingGraph training = TrainingGraph.build(network.loss(), graph.parameters(), optimizer);
    if (parameters == null) {
      parameters = Parameters.initialize(graph, options.seed());
    }
    return new Step(network, new InterpretedStep(training, parameters));
  }

  private Map<String, Double> evaluate(Dataset.Split split) {
    Dataset test = split.test();
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, test.size());
    Map<dev.bytegrad.graph.Node, Tensor> feeds = new HashMap<>(parameters.feeds(graph));
    feeds.put(network.features(), test.features());
    Tensor output = Interpreter.declared().evaluate(network.output(), feeds);
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (model.isClassifier()) {
      metrics.put("test_accuracy", Metrics.accuracy(output, test.targets()));
    } else {
      metrics.put("test_mse", Metrics.meanSquaredError(output, test.targets()));
      metrics.putAll(model.referenceMetrics(split));
    }
    return metrics;
  }
}
