package dev.bytegrad.cli;

import dev.bytegrad.cli.text.CharModel;
import dev.bytegrad.cli.text.Corpus;
import dev.bytegrad.cli.text.LanguageModelTrainer;
import dev.bytegrad.cli.train.Checkpoint;
import dev.bytegrad.cli.train.KernelProfile;
import dev.bytegrad.cli.unsupervised.FeatureTraining;
import dev.bytegrad.graph.train.Optimizer;
import java.util.Locale;
import dev.bytegrad.cli.train.ProgressReporter;
import dev.bytegrad.cli.train.RunDirectory;
import dev.bytegrad.cli.train.Trainer;
import dev.bytegrad.cli.train.TrainingOptions;
import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bytegrad train}: trains a zoo model, shows its progress, and writes a run directory with
 * checkpoints, a JSON summary and the learning curves; {@code --resume} continues a run.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Trains a model of the zoo, writing checkpoints, a summary and its curves into a run directory.",
        "Models: linreg, logreg, softmax, mlp, cnn, lenet; char-rnn and char-lstm (language models).",
        "Data: digits, diabetes, fashion-mnist, idx:DIR; for the language models genesis (shipped) or text:FILE."})
final class TrainCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--model", paramLabel = "NAME", description = "linreg, logreg, softmax, mlp, cnn, lenet, char-rnn or char-lstm (required unless --resume)")
  private String model;

  @Option(names = "--hidden", paramLabel = "N", description = "hidden units of the mlp (default: 64) or of a character model (default: 128)")
  private Integer hidden;

  @Option(names = "--data", paramLabel = "NAME", description = "digits, diabetes, fashion-mnist or idx:DIR (default: the model's)")
  private String data;

  @Option(names = "--validation", paramLabel = "FRACTION", description = "part of the training set held out for validation (default: 0.1; 0 for none)")
  private Double validation;

  @Option(names = "--epochs", paramLabel = "N", description = "epochs in all, counting those before a resume (default: the model's)")
  private Integer epochs;

  @Option(names = {"--batch", "--batch-size"}, paramLabel = "N", description = "examples per minibatch (default: the model's)")
  private Integer batch;

  @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw or lbfgs (default: the model's)")
  private String optimizer;

  @Option(names = {"--lr", "--learning-rate"}, paramLabel = "RATE", description = "learning rate (default: the model's)")
  private Double learningRate;

  @Option(names = "--momentum", paramLabel = "M", description = "momentum of momentum and nesterov, in [0, 1) (default: the model's)")
  private Double momentum;

  @Option(names = "--weight-decay", paramLabel = "W", description = "L2 weight decay; decoupled for adamw (default: 0, adamw 0.01)")
  private Double weightDecay;

  @Option(names = "--clip-norm", paramLabel = "C", description = "clip the gradients to this global norm (default: 0, no clipping)")
  private Double clipNorm;

  @Option(names = "--schedule", paramLabel = "SPEC", description = "constant, cosine or step:EPOCHS:GAMMA (default: the model's, mostly constant)")
  private String schedule;

  @Option(names = "--warmup", paramLabel = "STEPS", description = "steps of linear learning-rate warm-up (default: 0)")
  private Integer warmup;

  @Option(names = "--patience", paramLabel = "EPOCHS", description = "stop after this many epochs without a better validation loss (default: 0, never)")
  private Integer patience;

  @Option(names = "--drop-last", description = "drop the last, partial batch of each epoch instead of training on it")
  private Boolean dropLast;

  @Option(names = "--seed", paramLabel = "SEED", description = "seed of the split, initialization and shuffles (default: 1)")
  private Long seed;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "asm",
      description = "asm (bytecode, the default), javapoet (Java source compiled by javac) or interpreter")
  private String backend;

  @Option(names = "--threads", paramLabel = "N", description = "threads for large matrix products; results are the same for any N (default: all cores)")
  private Integer threads;

  @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/MODEL-DATE, or the resumed run's)")
  private Path out;

  @Option(names = "--resume", paramLabel = "PATH", description = "continue from a checkpoint file or a run directory's last checkpoint")
  private Path resume;

  @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", description = "auto, bar, log or none (default: auto, a bar on a terminal)")
  private String progress;

  @Option(names = "--json", description = "end the output with a one-line JSON summary")
  private boolean json;

  @Option(names = "--profile", description = "time each kernel of the compiled step; print where the step's time went and write it"
      + " into the run directory as " + KernelProfile.FILE + " (the first epoch, the JIT's warm-up, is left out)")
  private boolean profile;

  @Option(names = "--seq-length", paramLabel = "T", description = "char-rnn and char-lstm: characters per training sequence (default: 64)")
  private Integer seqLength;

  @Option(names = "--examples", paramLabel = "N", description = "sparse-autoencoder, sparse-coding, rica: patches sampled (10000, 2000, 10000);"
      + " self-taught: labeled training digits (100)")
  private Integer examples;

  @Option(names = "--decoder", paramLabel = "KIND", description = "sparse-autoencoder: sigmoid (patches squashed into [0.1, 0.9], the default)"
      + " or linear (ZCA-whitened patches)")
  private String decoder;

  @Option(names = "--bptt", paramLabel = "MODE", description = "char-rnn and char-lstm: truncated (state carried from chunk to chunk, the default) or full (independent windows)")
  private String bptt;

  @Override
  public Integer call() throws IOException {
    if (model == null && resume == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--model=NAME' (or --resume PATH)");
    }
    ProgressReporter.Mode progressMode = mode();
    if (CharModel.Kind.isCharModel(model)) {
      return trainText(progressMode);
    }
    if (FeatureTraining.isFeatureModel(model)) {
      return trainFeatures();
    }
    if (examples != null) {
      throw new ParameterException(spec.commandLine(), "--examples is for the feature-learning models: " + String.join(", ", FeatureTraining.MODELS));
    }
    if (seqLength != null || bptt != null) {
      throw new ParameterException(spec.commandLine(), "--seq-length and --bptt are for the character models char-rnn and char-lstm");
    }
    Map<String, String> saved = resume == null ? null : SafeTensors.header(checkpointFile()).metadata();
    Checkpoint.Identity identity = saved == null ? null : Checkpoint.identity(saved);
    ZooModel zooModel = ModelOption.resolve(spec, setting("--model", model, identity == null ? null : identity.model()),
        setting("--hidden", hidden, identity == null ? null : identity.hidden()));
    TrainingOptions options = options(zooModel, saved == null ? null : TrainingOptions.fromMetadata(saved));
    Data dataSet = ModelOption.data(spec, zooModel, setting("--data", data, identity == null ? null : identity.data()),
        setting("--validation", validation, identity == null ? 0.1 : identity.validation()), options.seed());
    Backend chosen = ModelOption.backend(spec, backend);
    ModelOption.threads(spec, threads);
    PrintWriter output = spec.commandLine().getOut();
    Path directory = out != null ? out : resume != null ? checkpointFile().toAbsolutePath().getParent() : defaultDirectory(zooModel);
    RunDirectory run = new RunDirectory(directory, summary(zooModel, dataSet, options, chosen));
    output.printf("training %s (%s) on %s: %d training, %d validation, %d test examples%n", zooModel.name(),
        zooModel.description(), dataSet.spec(), dataSet.train().size(), dataSet.hasValidation() ? dataSet.validation().size() : 0,
        dataSet.test().size());
    output.printf("optimizer %s, learning rate %g (%s), batch %d, epochs %d, seed %d, backend %s, %d threads%n",
        options.optimizer(), options.learningRate(), options.schedule(), options.batchSize(), options.epochs(), options.seed(),
        chosen, Gemm.threads());
    ProgressReporter reporter = new ProgressReporter(output, progressMode, zooModel.isClassifier());
    Trainer trainer = new Trainer(zooModel, dataSet, options, chosen, run, reporter);
    if (resume != null) {
      trainer.resume(checkpointFile());
    }
    if (profile) {
      parse(() -> {
        profilable(chosen);
        trainer.timeKernels();
        return null;
      });
    }
    Trainer.Result result = trainer.train();
    trainer.kernelReport().ifPresent(text -> profileReport(output, run.path(), text));
    report(output, zooModel, dataSet, options, chosen, run, result);
    return 0;
  }

  /** Fails on the first flag given (a flag-value pair in {@code flags}) that {@link #model} cannot use, saying {@code why}. */
  private void refuse(String why, Object... flags) {
    for (int i = 0; i < flags.length; i += 2) {
      if (flags[i + 1] != null) {
        throw new ParameterException(spec.commandLine(), flags[i] + " is not available for " + model + ": " + why);
      }
    }
  }

  /** {@code --out}, or {@code runs/MODEL-DATE}, created. */
  private Path runDirectory() {
    Path directory = out != null ? out : Path.of("runs", model + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create the run directory " + directory + ": " + e.getMessage(), e);
    }
    return directory;
  }

  /** Learns features without labels (sparse autoencoder, sparse coding, RICA) or with few (self-taught). */
  private int trainFeatures() {
    boolean selfTaught = model.equals("self-taught");
    String chosenData = data != null ? data : selfTaught ? "digits" : "patches";
    if (!(chosenData.equals("fashion-mnist") || chosenData.equals(selfTaught ? "digits" : "patches"))) {
      throw new ParameterException(spec.commandLine(), "unknown --data '" + data + "' for " + model + "; choose "
          + (selfTaught ? "digits or fashion-mnist" : "patches (of the shipped photograph) or fashion-mnist (patches of its images)"));
    }
    String chosenDecoder = decoder == null ? "sigmoid" : decoder;
    if (!chosenDecoder.equals("sigmoid") && !(chosenDecoder.equals("linear") && model.equals("sparse-autoencoder"))) {
      throw new ParameterException(spec.commandLine(), "--decoder is sigmoid or linear, and only for sparse-autoencoder");
    }
    refuse("it trains by full-batch L-BFGS on its own data (natural image patches; the digits for self-taught)",
        "--resume", resume, "--validation", validation, "--batch", batch, "--optimizer", optimizer, "--lr", learningRate,
        "--seq-length", seqLength, "--profile", profile ? Boolean.TRUE : null);
    int features = hidden != null ? hidden : switch (model) {
      case "sparse-autoencoder" -> 25;
      case "self-taught" -> 100;
      default -> 49;
    };
    int iterations = epochs != null ? epochs : model.equals("sparse-coding") ? 50 : 400;
    int count = examples != null ? examples : switch (model) {
      case "sparse-coding" -> 2000;
      case "self-taught" -> 100;
      default -> 10000;
    };
    if (features < 1 || iterations < 1 || count < 2) {
      throw new ParameterException(spec.commandLine(), "--hidden, --epochs and --examples must be positive (and --examples at least 2)");
    }
    Backend chosen = ModelOption.backend(spec, backend);
    ModelOption.threads(spec, threads);
    PrintWriter output = spec.commandLine().getOut();
    Path directory = runDirectory();
    output.printf("training %s: %d features, %d %s, %d %s, seed %d, backend %s%n", model, features, iterations,
        model.equals("sparse-coding") ? "alternation rounds" : "L-BFGS iterations", count,
        selfTaught ? "labeled examples" : "8x8 patches of " + (chosenData.equals("patches") ? "camera.png" : chosenData), seed == null ? 1 : seed,
        chosen);
    output.flush();
    FeatureTraining.Result result = new FeatureTraining(new FeatureTraining.Options(model, features, iterations, count, 8,
        seed == null ? 1 : seed, chosen, chosenData, chosenDecoder.equals("linear")), directory, output).run();
    output.printf("run directory: %s (features.png: the learned features as patches)%n", directory);
    if (json) {
      output.println(Json.object(result.figures()));
    }
    output.flush();
    return 0;
  }

  /** Trains a character language model (char-rnn, char-lstm) on a text. */
  private int trainText(ProgressReporter.Mode progressMode) {
    refuse("it holds out the last 10% of the text and trains at a constant learning rate", "--resume", resume,
        "--validation", validation, "--patience", patience, "--schedule", schedule, "--warmup", warmup, "--drop-last", dropLast);
    CharModel.Kind kind = CharModel.Kind.named(model);
    LanguageModelTrainer.Options d = LanguageModelTrainer.Options.defaults(kind);
    String mode = bptt == null ? "truncated" : bptt;
    if (!mode.equals("truncated") && !mode.equals("full")) {
      throw new ParameterException(spec.commandLine(), "unknown --bptt mode '" + bptt + "'; choose truncated or full");
    }
    String chosenOptimizer = optimizer == null ? d.optimizer() : optimizer;
    if (chosenOptimizer.equals("lbfgs")) {
      throw new ParameterException(spec.commandLine(), model + " trains with minibatch optimizers, not lbfgs");
    }
    LanguageModelTrainer.Options options = parse(() -> new LanguageModelTrainer.Options(kind,
        hidden == null ? d.hidden() : hidden, seqLength == null ? d.length() : seqLength, batch == null ? d.batch() : batch,
        epochs == null ? d.epochs() : epochs, chosenOptimizer, learningRate == null ? d.learningRate() : learningRate,
        momentum == null ? d.momentum() : momentum, weightDecay == null ? d.weightDecay() : weightDecay,
        clipNorm == null ? d.clipNorm() : clipNorm, mode.equals("truncated"), seed == null ? d.seed() : seed));
    Optimizer.named(options.optimizer(), options.momentum(), options.weightDecay());
    Corpus corpus = parse(() -> Corpus.load(data == null ? "genesis" : data));
    Backend chosen = ModelOption.backend(spec, backend);
    ModelOption.threads(spec, threads);
    PrintWriter output = spec.commandLine().getOut();
    Path directory = runDirectory();
    ProgressReporter reporter = new ProgressReporter(output, progressMode, false);
    LanguageModelTrainer trainer = parse(() -> new LanguageModelTrainer(corpus, options, chosen, directory, reporter));
    if (profile) {
      parse(() -> profilable(chosen));
      trainer.timeKernels();
    }
    output.printf(Locale.ROOT, "training %s (hidden %d) on %s: %d training and %d held-out characters, %d distinct;"
        + " unigram entropy %.4f bits/char%n", model, options.hidden(), corpus.spec(), corpus.train().length,
        corpus.heldOut().length, corpus.size(), corpus.unigramBits());
    output.printf(Locale.ROOT, "optimizer %s, learning rate %g, clip norm %g, batch %d, sequences of %d (%s BPTT), epochs %d,"
        + " seed %d, backend %s, %d threads%n", options.optimizer(), options.learningRate(), options.clipNorm(), options.batch(),
        options.length(), mode, options.epochs(), options.seed(), chosen, Gemm.threads());
    output.flush();
    LanguageModelTrainer.Result result = trainer.train();
    trainer.kernelReport().ifPresent(text -> profileReport(output, directory, text));
    LanguageModelTrainer.Epoch last = result.last();
    output.printf(Locale.ROOT, "done in %.1f s (compiling %.2f s): held-out %.4f bits/char (perplexity %.3f) against %.4f"
        + " for the unigram model; best epoch %d%n", result.seconds(), result.compileSeconds(), last.heldOutBits(),
        last.heldOutPerplexity(), result.unigramBits(), result.bestEpoch());
    output.printf("run directory: %s  (sample with: bytegrad sample --checkpoint %s)%n", directory,
        directory.resolve("best.safetensors"));
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", model);
      summary.put("data", corpus.spec());
      summary.put("backend", chosen.toString());
      summary.put("epochs", last.epoch());
      summary.put("train_bits_per_char", last.trainBits());
      summary.put("held_out_bits_per_char", last.heldOutBits());
      summary.put("held_out_perplexity", last.heldOutPerplexity());
      summary.put("unigram_bits_per_char", result.unigramBits());
      summary.put("best_epoch", result.bestEpoch());
      summary.put("seconds", result.seconds());
      summary.put("compile_seconds", result.compileSeconds());
      summary.put("run_directory", directory.toString());
      output.println(Json.object(summary));
    }
    output.flush();
    return 0;
  }

  /** {@code --profile} needs kernels to time: the compiled backends have them, the interpreter does not. */
  private static Backend profilable(Backend chosen) {
    if (chosen == Backend.INTERPRETER) {
      throw new IllegalArgumentException("--profile times the compiled step's kernels; the interpreter has none: use --backend asm or javapoet");
    }
    return chosen;
  }

  private static void profileReport(PrintWriter output, Path directory, String text) {
    output.print(text);
    output.printf("(written to %s)%n", KernelProfile.write(directory, text));
  }

  private void report(PrintWriter output, ZooModel zooModel, Data dataSet, TrainingOptions options, Backend chosen,
      RunDirectory run, Trainer.Result result) {
    Trainer.Epoch last = result.last();
    String score = zooModel.isClassifier() ? "test_accuracy" : "test_mse";
    Map<String, Double> reference = zooModel.referenceMetrics(dataSet);
    if (result.stoppedEarly()) {
      output.printf("stopped early after epoch %d: no better validation loss for %d epochs%n", last.epoch(), options.patience());
    }
    if (result.step() != null) {
      output.printf("compiled step: %d kernels, arena of intermediates %d bytes%n",
          result.step().program().kernels().size(), result.step().program().arenaBytes());
    }
    output.printf("done in %.1f s (compiling %.2f s): final loss %.6f, %s %.4f%s; best epoch %d%n", result.seconds(),
        result.compileSeconds(), last.trainLoss(), score.replace('_', ' '), last.testScore(),
        reference.isEmpty() ? "" : ", " + reference, result.bestEpoch());
    output.printf("run directory: %s%n", run.path());
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", zooModel.name());
      summary.put("data", dataSet.spec());
      summary.put("backend", chosen.toString());
      summary.put("optimizer", options.optimizer());
      summary.put("epochs", last.epoch());
      summary.put("final_loss", last.trainLoss());
      summary.put(score, last.testScore());
      summary.put("validation_loss", last.validationLoss());
      summary.putAll(reference);
      summary.put("best_epoch", result.bestEpoch());
      summary.put("stopped_early", result.stoppedEarly());
      summary.put("seconds", result.seconds());
      summary.put("compile_seconds", result.compileSeconds());
      summary.put("arena_bytes", result.step() == null ? 0 : result.step().program().arenaBytes());
      summary.put("run_directory", run.path().toString());
      output.println(Json.object(summary));
    }
    output.flush();
  }

  private TrainingOptions options(ZooModel zooModel, TrainingOptions saved) {
    ZooModel.Hyperparameters d = zooModel.defaults();
    String chosenOptimizer = setting("--optimizer", optimizer, saved == null ? d.optimizer() : saved.optimizer());
    double defaultDecay = chosenOptimizer.equals("adamw") ? 0.01 : 0;
    return parse(() -> new TrainingOptions(
        epochs != null ? epochs : saved != null ? saved.epochs() : d.epochs(),
        setting("--batch", batch, saved == null ? d.batchSize() : saved.batchSize()),
        chosenOptimizer,
        setting("--lr", learningRate, saved == null ? d.learningRate() : saved.learningRate()),
        setting("--momentum", momentum, saved == null ? d.momentum() : saved.momentum()),
        setting("--weight-decay", weightDecay, saved == null ? defaultDecay : saved.weightDecay()),
        setting("--clip-norm", clipNorm, saved == null ? 0.0 : saved.clipNorm()),
        setting("--schedule", schedule, saved == null ? d.schedule() : saved.schedule()),
        setting("--warmup", warmup, saved == null ? 0 : saved.warmup()),
        setting("--seed", seed, saved == null ? 1L : saved.seed()),
        setting("--drop-last", dropLast, saved != null && saved.dropLast()),
        patience != null ? patience : saved != null ? saved.patience() : 0));
  }

  /**
   * {@code given} if the flag was given, else {@code fallback}; when resuming, a given value that differs
   * from the checkpoint's ({@code fallback}) would not continue its trajectory, so it is an error.
   */
  private <T> T setting(String flag, T given, T fallback) {
    if (given == null) {
      return fallback;
    }
    if (resume != null && !Objects.equals(given, fallback)) {
      throw new ParameterException(spec.commandLine(), String.format(
          "the checkpoint was trained with %s %s; resuming with %s would not continue its run", flag, fallback, given));
    }
    return given;
  }

  private Path checkpointFile() {
    return Files.isDirectory(resume) ? resume.resolve(RunDirectory.CHECKPOINT) : resume;
  }

  private static Path defaultDirectory(ZooModel zooModel) {
    return Path.of("runs", zooModel.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  private Map<String, Object> summary(ZooModel zooModel, Data dataSet, TrainingOptions options, Backend chosen) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", zooModel.name());
    summary.putAll(zooModel.settings());
    summary.put("data", dataSet.spec());
    summary.put("backend", chosen.toString());
    summary.putAll(options.metadata());
    return summary;
  }

  private ProgressReporter.Mode mode() {
    return switch (progress) {
      case "auto" -> ProgressReporter.Mode.detect();
      case "bar" -> ProgressReporter.Mode.BAR;
      case "log" -> ProgressReporter.Mode.LOG;
      case "none" -> ProgressReporter.Mode.QUIET;
      default -> throw new ParameterException(spec.commandLine(), "unknown progress mode '" + progress + "'; choose auto, bar, log or none");
    };
  }

  private <T> T parse(java.util.function.Supplier<T> value) {
    try {
      return value.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
