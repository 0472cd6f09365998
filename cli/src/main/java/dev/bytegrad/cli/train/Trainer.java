package dev.bytegrad.cli.train;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.Metrics;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.Compiled;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.KernelTimes;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import dev.bytegrad.runtime.data.Minibatches;
import dev.bytegrad.runtime.io.SafeTensors;
import dev.bytegrad.runtime.train.Lbfgs;
import dev.bytegrad.runtime.train.Schedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a zoo model on its data: minibatch steps compiled by the chosen backend, with a fresh seeded
 * shuffle each epoch and the learning rate from the schedule, or full-batch L-BFGS on the compiled loss
 * and gradient; after each epoch, the loss and score (accuracy, or mean squared error for regression)
 * on the validation and test sets, early stopping on the validation loss, and a checkpoint.
 *
 * <p>A smaller last batch runs through a second compiled step of its own size over the same parameters
 * (unless {@code dropLast}). A loss that stops being finite ends training with an error that says when.
 * With the same options and seed, a run resumed from its checkpoint after epoch k computes the same
 * parameters, bit for bit, as a run that never stopped: the shuffle of each epoch, the schedule and the
 * optimizer's state depend on nothing else.
 */
public final class Trainer {
  /** What a finished epoch measured; scores are accuracies for classifiers, mean squared errors otherwise. */
  public record Epoch(int epoch, double trainLoss, double trainScore, double validationLoss, double validationScore,
      double testLoss, double testScore, double seconds) {}

  /** Hears how training goes. */
  public interface Listener {
    /** Training starts at epoch {@code first} (1-based; later when resumed) of {@code epochs}. */
    void start(int first, int epochs, int stepsPerEpoch);

    /** Step {@code step} (1-based) of epoch {@code epoch} ran; the means are over the epoch so far. */
    void step(int epoch, int step, double meanLoss, double meanScore);

    /** Epoch {@code record.epoch()} ended; {@code best} when its validation loss is the best so far. */
    void epoch(Epoch record, boolean best);
  }

  /** How a run ended: every epoch's record (including those before a resume), the best epoch, and the work done. */
  public record Result(List<Epoch> history, int bestEpoch, boolean stoppedEarly, double seconds, double compileSeconds,
      Compiled step, Parameters parameters) {
    public Epoch last() {
      return history.get(history.size() - 1);
    }
  }

  /** A compiled step for one batch size, with the argument arrays it is called with (reused: no allocation per call). */
  private record Step(int batchSize, CompiledFunction function, Tensor[] inputs, Tensor[] outputs) {}

  private final ZooModel model;
  private final Data data;
  private final TrainingOptions options;
  private final Backend backend;
  private final Listener listener;
  private final RunDirectory run;
  private final List<Step> steps = new ArrayList<>();
  private final Tensor learningRate = Tensor.scalar(DType.F32, 0);
  private final Parameters parameters;
  private final List<Epoch> history = new ArrayList<>();
  private Evaluator validation;
  private Evaluator test;
  private double compileSeconds;
  private Compiled firstStep;
  private long globalStep;
  private int bestEpoch;
  private double bestLoss = Double.POSITIVE_INFINITY;
  private boolean timeKernels;
  private boolean warmUpLeftOut;

  /**
   * A trainer of {@code model} on {@code data} (already {@linkplain ZooModel#prepare prepared}), writing
   * checkpoints, summary and curves into {@code run} (null: nowhere).
   */
  public Trainer(ZooModel model, Data data, TrainingOptions options, Backend backend, RunDirectory run, Listener listener) {
    this.model = model;
    this.data = data;
    this.options = options;
    this.backend = backend;
    this.run = run;
    this.listener = listener;
    int batch = Math.min(options.batchSize(), data.train().size());
    Functions first = options.isLbfgs()
        ? Functions.lossAndGradient(model, data.dims(), data.train().size())
        : Functions.trainingStep(model, data.dims(), batch, options.graphOptimizer(), options.regularization());
    this.parameters = Parameters.initialize(first.graph(), options.seed());
  }

  /** The model's parameters and optimizer state, by name: what checkpoints hold. */
  public Parameters parameters() {
    return parameters;
  }

  /**
   * Compiles the minibatch steps with each kernel timed ({@code --profile}); call before {@link #train()}.
   * Their results are the same, bit for bit.
   */
  public void timeKernels() {
    if (options.isLbfgs()) {
      throw new IllegalArgumentException("--profile times the minibatch step's kernels; an L-BFGS run has none");
    }
    timeKernels = true;
  }

  /**
   * After {@link #train()} with {@link #timeKernels()}: the report on where the full-size step's time
   * went, from its second epoch on when there was one; empty without timing.
   */
  public java.util.Optional<String> kernelReport() {
    if (!timeKernels || steps.isEmpty()) {
      return java.util.Optional.empty();
    }
    Step step = steps.get(0);
    return KernelTimes.of(step.function())
        .map(times -> KernelProfile.report("the step (batch " + step.batchSize() + ")", times, warmUpLeftOut));
  }

  /** Continues from {@code checkpoint}, written by a run of the same model, data and options. */
  public void resume(Path checkpoint) throws IOException {
    if (options.isLbfgs()) {
      throw new IllegalArgumentException("an L-BFGS run cannot be resumed: its curvature pairs are not saved; start it anew");
    }
    Map<String, String> metadata = SafeTensors.load(checkpoint, parameters.asMap());
    Checkpoint.State state = Checkpoint.state(metadata);
    history.addAll(state.history());
    globalStep = state.step();
    bestEpoch = state.bestEpoch();
    bestLoss = state.bestLoss();
  }

  /** Trains up to {@code options.epochs()} epochs in all (counting those before a resume). */
  public Result train() {
    long start = System.nanoTime();
    boolean stoppedEarly = options.isLbfgs() ? trainFullBatch(start) : trainMinibatches(start);
    if (run != null) {
      run.finish(history, model.isClassifier(), parameters.asMap());
    }
    return new Result(List.copyOf(history), bestEpoch, stoppedEarly, (System.nanoTime() - start) / 1e9, compileSeconds,
        firstStep, parameters);
  }

  private boolean trainMinibatches(long start) {
    int batch = Math.min(options.batchSize(), data.train().size());
    Minibatches batches = new Minibatches(data.train(), batch, options.dropLast(), options.seed());
    int stepsPerEpoch = batches.batchesPerEpoch();
    Schedule schedule = options.schedule(stepsPerEpoch);
    listener.start(history.size() + 1, options.epochs(), stepsPerEpoch);
    int first = history.size();
    for (int epoch = first; epoch < options.epochs(); epoch++) {
      if (timeKernels && epoch == first + 1) {
        steps.forEach(step -> KernelTimes.of(step.function()).ifPresent(KernelTimes::reset));
        warmUpLeftOut = true;
      }
      double[] sums = new double[3]; // loss sum, score sum, examples
      int[] stepInEpoch = {0};
      int current = epoch + 1;
      batches.forEach(epoch, b -> {
        Step step = stepFor(b.size());
        learningRate.setDouble(0, schedule.rate(globalStep++));
        step.inputs()[0] = b.features();
        step.inputs()[1] = b.targets();
        step.function().run(step.inputs(), step.outputs());
        double loss = checkFinite(step.outputs()[0].getDouble(0), current, stepInEpoch[0] + 1);
        sums[0] += loss * b.size();
        sums[1] += score(step.outputs()[1], b.targets()) * b.size();
        sums[2] += b.size();
        listener.step(current, ++stepInEpoch[0], sums[0] / sums[2], sums[1] / sums[2]);
      });
      if (endEpoch(current, sums[0] / sums[2], sums[1] / sums[2], start)) {
        return true;
      }
    }
    return false;
  }

  private boolean trainFullBatch(long start) {
    Functions functions = Functions.lossAndGradient(model, data.dims(), data.train().size());
    Compiled compiled = compile(model.name() + "_loss_and_gradient", functions);
    firstStep = compiled;
    Tensor[] tensors = functions.bind(parameters);
    CompiledFunction function = compiled.instantiate(tensors);
    Tensor[] inputs = {data.train().features(), data.train().targets()};
    Tensor[] outputs = functions.newOutputs();
    FlatParameters flat = new FlatParameters(List.of(tensors));
    listener.start(1, options.epochs(), 1);
    try {
      Lbfgs.minimize((x, gradient) -> {
        flat.scatter(x);
        function.run(inputs, outputs);
        flat.gather(outputs, gradient);
        return outputs[0].getDouble(0);
      }, flat.initial(), Lbfgs.Options.defaults().withMaxIterations(options.epochs()), (iteration, value, norm, step) -> {
        listener.step(iteration, 1, value, Double.NaN);
        if (endEpoch(iteration, value, Double.NaN, start)) {
          throw new EarlyStop();
        }
      });
      return false;
    } catch (EarlyStop e) {
      return true;
    }
  }

  /** Thrown out of the L-BFGS loop when early stopping ends it. */
  private static final class EarlyStop extends RuntimeException {
    EarlyStop() {
      super(null, null, false, false);
    }
  }

  /** Scores the epoch, checkpoints, tells the listener; returns whether early stopping ends training. */
  private boolean endEpoch(int epoch, double trainLoss, double trainScore, long start) {
    if (test == null) {
      validation = data.hasValidation() ? evaluator(data.validation()) : null;
      test = evaluator(data.test());
    }
    double[] validationMeasures = validation == null ? null : validation.measure();
    double[] testMeasures = test.measure();
    Epoch record = new Epoch(epoch, trainLoss, trainScore,
        validationMeasures == null ? Double.NaN : validationMeasures[0], validationMeasures == null ? Double.NaN : validationMeasures[1],
        testMeasures[0], testMeasures[1], (System.nanoTime() - start) / 1e9);
    history.add(record);
    double watched = data.hasValidation() ? record.validationLoss() : trainLoss;
    boolean best = watched < bestLoss;
    if (best) {
      bestLoss = watched;
      bestEpoch = epoch;
    }
    if (run != null) {
      Map<String, String> metadata = Checkpoint.metadata(model, data, options, history, globalStep, bestEpoch, bestLoss);
      run.checkpoint(parameters.asMap(), metadata, best);
      run.summary(history, bestEpoch);
    }
    listener.epoch(record, best);
    return options.patience() > 0 && epoch - bestEpoch >= options.patience();
  }

  private double score(Tensor output, Tensor targets) {
    return model.isClassifier() ? Metrics.accuracy(output, targets) : Metrics.meanSquaredError(output, targets);
  }

  private Evaluator evaluator(Dataset set) {
    Evaluator evaluator = new Evaluator(model, data.dims(), set, backend, parameters);
    compileSeconds += evaluator.compileSeconds();
    return evaluator;
  }

  private double checkFinite(double loss, int epoch, int step) {
    if (!Double.isFinite(loss)) {
      throw new IllegalStateException(String.format(
          "the training loss became %s at step %d of epoch %d; try a smaller learning rate than %g", loss, step, epoch,
          options.learningRate()));
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
    Functions functions = Functions.trainingStep(model, data.dims(), batchSize, options.graphOptimizer(), options.regularization());
    Compiled compiled = compile(model.name() + "_step_" + batchSize, functions);
    if (firstStep == null) {
      firstStep = compiled;
    }
    Step step = new Step(batchSize, compiled.instantiate(functions.bind(parameters)), new Tensor[] {null, null, learningRate},
        functions.newOutputs());
    steps.add(step);
    return step;
  }

  private Compiled compile(String name, Functions functions) {
    Compiled compiled = timeKernels ? GraphCompiler.compileTimed(name, functions.step(), backend)
        : GraphCompiler.compile(name, functions.step(), backend);
    compileSeconds += compiled.compileSeconds();
    return compiled;
  }
}
