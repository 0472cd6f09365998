package dev.bytegrad.cli.text;

import dev.bytegrad.cli.Json;
import dev.bytegrad.cli.train.KernelProfile;
import dev.bytegrad.cli.train.Plots;
import dev.bytegrad.cli.train.ProgressReporter;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Optimizer;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.KernelTimes;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Shuffle;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a character language model on a {@link Corpus} with the compiled step, and scores it each epoch
 * on the held-out text in bits per character and perplexity.
 *
 * <p>Two ways to cut the text into training sequences ({@code --bptt}):
 * <ul>
 *   <li>{@code truncated} (the default): the training text is split into {@code batch} contiguous streams
 *       read {@code length} characters at a time; each chunk starts from the state the previous chunk
 *       ended in, and gradients stop at the chunk's start (truncated backpropagation through time). The
 *       state starts at zero each epoch.
 *   <li>{@code full}: every sequence is a window of {@code length} characters starting from a zero state,
 *       and its gradient flows through all of it; the windows are shuffled each epoch with the seed.
 * </ul>
 * The held-out text is read the truncated way, in {@value #EVALUATION_STREAMS} streams, so every
 * character but the first of each stream is predicted with the context before it.
 */
public final class LanguageModelTrainer {
  static final int EVALUATION_STREAMS = 8;
  private static final double LN2 = Math.log(2);

  /** How a character model is trained. */
  public record Options(CharModel.Kind kind, int hidden, int length, int batch, int epochs, String optimizer,
      double learningRate, double momentum, double weightDecay, double clipNorm, boolean truncated, long seed) {
    public Options {
      if (hidden < 1 || length < 1 || batch < 1 || epochs < 1) {
        throw new IllegalArgumentException("hidden units, sequence length, batch and epochs must be positive");
      }
      if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException("the learning rate must be positive, got " + learningRate);
      }
    }

    /** The defaults: hidden 128, 64 characters a sequence, 32 streams, 20 epochs, Adam at 0.01, clipping at norm 5. */
    public static Options defaults(CharModel.Kind kind) {
      return new Options(kind, 128, 64, 32, 20, "adam", 0.01, 0.9, 0, 5, true, 1);
    }

    Map<String, String> metadata() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("model", kind.modelName());
      m.put("hidden", Integer.toString(hidden));
      m.put("seq_length", Integer.toString(length));
      m.put("batch", Integer.toString(batch));
      m.put("optimizer", optimizer);
      m.put("learning_rate", Double.toString(learningRate));
      m.put("momentum", Double.toString(momentum));
      m.put("weight_decay", Double.toString(weightDecay));
      m.put("clip_norm", Double.toString(clipNorm));
      m.put("bptt", truncated ? "truncated" : "full");
      m.put("seed", Long.toString(seed));
      return m;
    }
  }

  /** One epoch's figures: bits per character on the training text (as trained) and held out. */
  public record Epoch(int epoch, double trainBits, double heldOutBits, double seconds, double charactersPerSecond) {
    public double heldOutPerplexity() {
      return Math.pow(2, heldOutBits);
    }
  }

  /** The run's figures. */
  public record Result(List<Epoch> history, int bestEpoch, double unigramBits, double seconds, double compileSeconds,
      Parameters parameters) {
    public Epoch last() {
      return history.get(history.size() - 1);
    }
  }

  private final Corpus corpus;
  private final Options options;
  private final Backend backend;
  private final Path directory;
  private final ProgressReporter reporter;
  private final CharModel model;
  private boolean timeKernels;
  private java.util.Optional<String> kernelReport = java.util.Optional.empty();

  /** A trainer writing checkpoints, a summary and the curve into {@code directory} (null: nowhere). */
  public LanguageModelTrainer(Corpus corpus, Options options, Backend backend, Path directory, ProgressReporter reporter) {
    this.corpus = corpus;
    this.options = options;
    this.backend = backend;
    this.directory = directory;
    this.reporter = reporter;
    this.model = new CharModel(options.kind(), corpus.size(), options.hidden());
    int streamLength = (corpus.train().length - 1) / options.batch();
    if (streamLength < options.length()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%d training characters make %d streams of %d, shorter than one sequence of %d; lower --batch or --seq-length",
          corpus.train().length, options.batch(), streamLength, options.length()));
    }
    if ((corpus.heldOut().length - 1) / EVALUATION_STREAMS < options.length()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%d held-out characters make %d streams shorter than one sequence of %d; lower --seq-length",
          corpus.heldOut().length, EVALUATION_STREAMS, options.length()));
    }
  }

  public CharModel model() {
    return model;
  }

  /** Compiles the training step with each kernel timed ({@code --profile}); call before {@link #train()}. */
  public void timeKernels() {
    timeKernels = true;
  }

  /**
   * After {@link #train()} with {@link #timeKernels()}: the report on where the step's time went, from
   * its second epoch on when there was one; empty without timing.
   */
  public java.util.Optional<String> kernelReport() {
    return kernelReport;
  }

  public Result train() {
    long start = System.nanoTime();
    Optimizer optimizer = Optimizer.named(options.optimizer(), options.momentum(), options.weightDecay());
    Regularization regularization = new Regularization(options.optimizer().equals("adamw") ? 0 : options.weightDecay(),
        options.clipNorm());
    CharModel.Function step = model.trainingStep(options.batch(), options.length(), optimizer, regularization, backend, timeKernels);
    CharModel.Function evaluation = model.evaluation(EVALUATION_STREAMS, options.length(), backend);
    double compileSeconds = step.compiled().compileSeconds() + evaluation.compiled().compileSeconds();
    Parameters parameters = Parameters.initialize(step.network().graph(), options.seed());
    CompiledFunction train = step.compiled().instantiate(bind(step, parameters));
    CompiledFunction evaluate = evaluation.compiled().instantiate(bind(evaluation, parameters));

    int states = model.stateTensors();
    Tensor tokens = Tensor.zeros(DType.I32, Shape.of(options.length(), options.batch()));
    Tensor targets = Tensor.zeros(DType.I32, Shape.of(options.length(), options.batch()));
    Tensor[] stateIn = zeros(states, options.batch());
    Tensor[] stateOut = zeros(states, options.batch());
    Tensor learningRate = Tensor.scalar(DType.F32, options.learningRate());
    Tensor[] inputs = new Tensor[3 + states];
    Tensor[] outputs = new Tensor[1 + states];
    outputs[0] = Tensor.scalar(DType.F32, 0);
    inputs[0] = tokens;
    inputs[1] = targets;
    inputs[2 + states] = learningRate;

    int[] text = corpus.train();
    int streamLength = (text.length - 1) / options.batch();
    int chunks = streamLength / options.length();
    int windows = (text.length - 1) / options.length();
    int stepsPerEpoch = options.truncated() ? chunks : windows / options.batch();
    if (stepsPerEpoch == 0) {
      throw new IllegalArgumentException(windows + " windows of " + options.length() + " characters do not fill a batch of "
          + options.batch() + "; lower --batch");
    }
    double unigram = corpus.unigramBits();
    reporter.start(1, options.epochs(), stepsPerEpoch);
    List<Epoch> history = new ArrayList<>();
    int bestEpoch = 0;
    double best = Double.POSITIVE_INFINITY;
    SplittableRandom random = new SplittableRandom(options.seed());
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      if (epoch == 2) {
        KernelTimes.of(train).ifPresent(KernelTimes::reset);
      }
      long epochStart = System.nanoTime();
      int[] order = options.truncated() ? null : Shuffle.permutation(windows, random);
      for (Tensor state : stateIn) {
        Arrays.fill(state.floats(), 0);
      }
      double sum = 0;
      for (int s = 0; s < stepsPerEpoch; s++) {
        if (options.truncated()) {
          fillStreams(text, streamLength, s * options.length(), tokens, targets);
        } else {
          fillWindows(text, order, s * options.batch(), tokens, targets);
          for (Tensor state : stateIn) {
            Arrays.fill(state.floats(), 0);
          }
        }
        System.arraycopy(stateIn, 0, inputs, 2, states);
        System.arraycopy(stateOut, 0, outputs, 1, states);
        train.run(inputs, outputs);
        double loss = outputs[0].getDouble(0);
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException(String.format(Locale.ROOT,
              "the loss became %s at epoch %d, step %d; lower --lr (now %g) or clip the gradients with --clip-norm",
              loss, epoch, s + 1, options.learningRate()));
        }
        sum += loss;
        if (options.truncated()) {
          Tensor[] swap = stateIn;
          stateIn = stateOut;
          stateOut = swap;
        }
        reporter.step(epoch, s + 1, sum / (s + 1) / LN2, Double.NaN);
      }
      double trainBits = sum / stepsPerEpoch / LN2;
      double heldOut = evaluate(evaluate, corpus.heldOut(), options.length());
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      Epoch record = new Epoch(epoch, trainBits, heldOut, seconds,
          (double) stepsPerEpoch * options.batch() * options.length() / seconds);
      history.add(record);
      boolean better = heldOut < best;
      if (better) {
        best = heldOut;
        bestEpoch = epoch;
      }
      reporter.line(String.format(Locale.ROOT,
          "epoch %d/%d  train %.4f bits/char  held-out %.4f bits/char, perplexity %.3f  (%.1f s, %.0f chars/s)%s",
          epoch, options.epochs(), trainBits, heldOut, record.heldOutPerplexity(), seconds, record.charactersPerSecond(),
          better ? "  *best" : ""));
      if (directory != null) {
        checkpoint(parameters, epoch, better, history, bestEpoch, unigram);
      }
    }
    if (directory != null) {
      Map<String, double[]> curves = new LinkedHashMap<>();
      curves.put("training", history.stream().mapToDouble(Epoch::trainBits).toArray());
      curves.put("held out", history.stream().mapToDouble(Epoch::heldOutBits).toArray());
      Plots.lines(directory.resolve("bits.png"), "Cross-entropy", "bits per character", curves);
    }
    kernelReport = KernelTimes.of(train).map(times -> KernelProfile.report(
        "the step (batch " + options.batch() + ", " + options.length() + " characters)", times, options.epochs() > 1));
    return new Result(List.copyOf(history), bestEpoch, unigram, (System.nanoTime() - start) / 1e9, compileSeconds, parameters);
  }

  /** Mean bits per character of the model on {@code text}, read in streams with the state carried along. */
  private double evaluate(CompiledFunction evaluate, int[] text, int length) {
    int states = model.stateTensors();
    int streamLength = (text.length - 1) / EVALUATION_STREAMS;
    int chunks = streamLength / length;
    Tensor tokens = Tensor.zeros(DType.I32, Shape.of(length, EVALUATION_STREAMS));
    Tensor targets = Tensor.zeros(DType.I32, Shape.of(length, EVALUATION_STREAMS));
    Tensor[] stateIn = zeros(states, EVALUATION_STREAMS);
    Tensor[] stateOut = zeros(states, EVALUATION_STREAMS);
    Tensor[] inputs = new Tensor[2 + states];
    Tensor[] outputs = new Tensor[1 + states];
    inputs[0] = tokens;
    inputs[1] = targets;
    outputs[0] = Tensor.scalar(DType.F32, 0);
    double sum = 0;
    for (int chunk = 0; chunk < chunks; chunk++) {
      fillStreams(text, streamLength, chunk * length, tokens, targets);
      System.arraycopy(stateIn, 0, inputs, 2, states);
      System.arraycopy(stateOut, 0, outputs, 1, states);
      evaluate.run(inputs, outputs);
      sum += outputs[0].getDouble(0);
      Tensor[] swap = stateIn;
      stateIn = stateOut;
      stateOut = swap;
    }
    return sum / chunks / LN2;
  }

  /** Characters {@code offset..offset+T} of each of the {@code B} streams of {@code streamLength}, and the ones after them. */
  static void fillStreams(int[] text, int streamLength, int offset, Tensor tokens, Tensor targets) {
    int length = tokens.shape().dim(0);
    int batch = tokens.shape().dim(1);
    int[] x = tokens.ints();
    int[] y = targets.ints();
    for (int b = 0; b < batch; b++) {
      int base = b * streamLength + offset;
      for (int t = 0; t < length; t++) {
        x[t * batch + b] = text[base + t];
        y[t * batch + b] = text[base + t + 1];
      }
    }
  }

  /** Windows {@code order[first..first+B]} of T characters each, and the characters after them. */
  static void fillWindows(int[] text, int[] order, int first, Tensor tokens, Tensor targets) {
    int length = tokens.shape().dim(0);
    int batch = tokens.shape().dim(1);
    int[] x = tokens.ints();
    int[] y = targets.ints();
    for (int b = 0; b < batch; b++) {
      int base = order[first + b] * length;
      for (int t = 0; t < length; t++) {
        x[t * batch + b] = text[base + t];
        y[t * batch + b] = text[base + t + 1];
      }
    }
  }

  private Tensor[] zeros(int count, int batch) {
    Tensor[] tensors = new Tensor[count];
    for (int i = 0; i < count; i++) {
      tensors[i] = Tensor.zeros(DType.F32, Shape.of(batch, options.hidden()));
    }
    return tensors;
  }

  static Tensor[] bind(CharModel.Function function, Parameters parameters) {
    return function.parameters().stream().map(p -> parameters.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
  }

  /** The metadata a character model's checkpoint carries: enough to rebuild the model and sample from it. */
  Map<String, String> metadata(int epoch, double heldOutBits) {
    Map<String, String> metadata = new LinkedHashMap<>(options.metadata());
    metadata.put("vocabulary", corpus.vocabulary());
    metadata.put("data", corpus.spec());
    metadata.put("epoch", Integer.toString(epoch));
    metadata.put("held_out_bits_per_char", Double.toString(heldOutBits));
    return metadata;
  }

  private void checkpoint(Parameters parameters, int epoch, boolean best, List<Epoch> history, int bestEpoch, double unigram) {
    Map<String, String> metadata = metadata(epoch, history.get(history.size() - 1).heldOutBits());
    try {
      SafeTensors.write(directory.resolve("checkpoint.safetensors"), parameters.asMap(), metadata);
      if (best) {
        SafeTensors.write(directory.resolve("best.safetensors"), parameters.asMap(), metadata);
      }
      Map<String, Object> summary = new LinkedHashMap<>(metadata);
      summary.remove("vocabulary");
      summary.put("vocabulary_size", corpus.size());
      summary.put("unigram_bits_per_char", unigram);
      summary.put("best_epoch", bestEpoch);
      List<Object> epochs = new ArrayList<>();
      for (Epoch e : history) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("epoch", e.epoch());
        fields.put("train_bits_per_char", e.trainBits());
        fields.put("held_out_bits_per_char", e.heldOutBits());
        fields.put("held_out_perplexity", e.heldOutPerplexity());
        fields.put("seconds", e.seconds());
        fields.put("chars_per_second", e.charactersPerSecond());
        epochs.add(fields);
      }
      summary.put("history", epochs);
      Path file = directory.resolve("summary.json");
      Path temporary = Files.createTempFile(directory, ".summary.json", ".tmp");
      Files.writeString(temporary, Json.value(summary) + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint into " + directory + ": " + e.getMessage(), e);
    }
  }
}
