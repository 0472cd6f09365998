package dev.bytegrad.cli.zoo;

import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.Compiled;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import dev.bytegrad.runtime.data.Minibatches;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a zoo model by minibatch SGD (with momentum when asked) with a fresh seeded shuffle each
 * epoch, with the training step compiled by the chosen backend, and scores it on the held-out test set
 * after every epoch with a compiled inference function.
 *
 * <p>Every batch is used: a smaller last batch runs through a second graph of its own size over the
 * same named parameters and optimizer state. A loss that stops being finite ends training with an error
 * that says when, instead of a run of NaNs.
 */
public final class Trainer {
  /** Training settings; see {@link ZooModel#defaults()} for each model's. */
  public record Options(int epochs, int batchSize, double learningRate, double momentum, long seed, Backend backend) {
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
      return new Options(d.epochs(), d.batchSize(), d.learningRate(), d.momentum(), seed, Backend.ASM);
    }
  }

  /**
   * What a run reached: the mean training loss of the last epoch, the test metrics, the time spent
   * compiling, and the compiled step of the full batch size.
   */
  public record Result(String model, int epochs, double finalLoss, Map<String, Double> metrics, double seconds,
      double compileSeconds, Compiled step) {}

  /** Hears about each finished epoch. */
  @FunctionalInterface
  public interface Progress {
    void epoch(int epoch, int epochs, double loss, Map<String, Double> metrics, double seconds);
  }

  /** A compiled step for one batch size, with the argument arrays it is called with (reused: no allocation). */
  private record Step(int batchSize, CompiledFunction function, Tensor[] inputs, Tensor[] outputs) {}

  private final ZooModel model;
  private final Options options;
  /** One step per batch size seen: the full batch and, at most, a smaller last one. */
  private final List<Step> steps = new ArrayList<>();
  private final Tensor learningRate = Tensor.scalar(DType.F32, 0);
  private Parameters parameters;
  private CompiledFunction inference;
  private Tensor testOutput;
  private double compileSeconds;
  private Compiled firstStep;

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
    return new Result(model.name(), options.epochs(), loss, metrics, (System.nanoTime() - start) / 1e9, compileSeconds, firstStep);
  }

  private double run(Minibatches.Batch batch, int epoch) {
    Step step = stepFor(batch.size());
    learningRate.setDouble(0, options.learningRate());
    step.inputs()[0] = batch.features();
    step.inputs()[1] = batch.targets();
    step.function().run(step.inputs(), step.outputs());
    double loss = step.outputs()[0].getDouble(0);
    if (!Double.isFinite(loss)) {
      throw new IllegalStateException(String.format(
          "the training loss became %s in epoch %d; try a smaller learning rate than %g",
          loss, epoch + 1, options.learningRate()));
    }
    return loss;
  }

  /** The step compiled for {@code batchSize}, compiling it on first use; a scan, so nothing is boxed per step. */
  private Step stepFor(int batchSize) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).batchSize() == batchSize) {
        return steps.get(i);
      }
    }
    Step step = compile(batchSize);
    steps.add(step);
    return step;
  }

  private Step compile(int batchSize) {
    Functions functions = Functions.trainingStep(model, batchSize, options.momentum());
    if (parameters == null) {
      parameters = Parameters.initialize(functions.graph(), options.seed());
    }
    Compiled compiled = GraphCompiler.compile(model.name() + "_step_" + batchSize, functions.step(), options.backend());
    compileSeconds += compiled.compileSeconds();
    if (firstStep == null) {
      firstStep = compiled;
    }
    Tensor[] inputs = {null, null, learningRate};
    Tensor[] outputs = {Tensor.zeros(functions.network().loss().dtype(), Shape.scalar())};
    return new Step(batchSize, compiled.instantiate(bind(functions.parameters())), inputs, outputs);
  }

  /** The compiled forward pass over the whole test set, built on first use. */
  private CompiledFunction inference(int size) {
    if (inference == null) {
      Functions functions = Functions.inference(model, size);
      Compiled compiled = GraphCompiler.compile(model.name() + "_inference", functions.step(), options.backend());
      compileSeconds += compiled.compileSeconds();
      inference = compiled.instantiate(bind(functions.parameters()));
      Node output = functions.network().output();
      testOutput = Tensor.zeros(output.dtype(), output.shape());
    }
    return inference;
  }

  private Tensor[] bind(List<Node> graphParameters) {
    return graphParameters.stream().map(p -> parameters.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
  }

  private Map<String, Double> evaluate(Dataset.Split split) {
    Dataset test = split.test();
    inference(test.size()).run(new Tensor[] {test.features()}, new Tensor[] {testOutput});
    Tensor output = testOutput;
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
