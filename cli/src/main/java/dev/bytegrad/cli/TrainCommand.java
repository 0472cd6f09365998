package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.Trainer;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.cli.zoo.ZooModel;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bytegrad train --model NAME}: trains a zoo model and prints its test metrics. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Trains a model of the zoo and reports its test metrics.%nModels: linreg, logreg, softmax, mlp.")
final class TrainCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "linreg, logreg, softmax or mlp")
  private String model;

  @Option(names = "--epochs", paramLabel = "N", description = "passes over the training set (default: the model's)")
  private Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N", description = "examples per minibatch (default: the model's)")
  private Integer batchSize;

  @Option(names = {"--learning-rate", "--lr"}, paramLabel = "RATE", description = "step size (default: the model's)")
  private Double learningRate;

  @Option(names = "--momentum", paramLabel = "M", description = "momentum in [0, 1); 0 is plain SGD (default: the model's)")
  private Double momentum;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "seed of the split, initialization and shuffles (default: ${DEFAULT-VALUE})")
  private long seed;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "asm",
      description = "asm (bytecode, the default), javapoet (Java source compiled by javac) or interpreter")
  private String backend;

  @Option(names = "--json", description = "end the output with a one-line JSON summary")
  private boolean json;

  @Override
  public Integer call() {
    ZooModel zooModel = ModelOption.resolve(spec, model);
    Trainer.Options options;
    try {
      ZooModel.Hyperparameters d = zooModel.defaults();
      options = new Trainer.Options(or(epochs, d.epochs()), or(batchSize, d.batchSize()),
          or(learningRate, d.learningRate()), or(momentum, d.momentum()), seed, Backend.parse(backend));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("training %s: %s%n", zooModel.name(), zooModel.description());
    out.printf("epochs %d, batch size %d, learning rate %g, momentum %g, seed %d, backend %s%n",
        options.epochs(), options.batchSize(), options.learningRate(), options.momentum(), options.seed(), options.backend());
    Trainer.Result result = Trainer.train(zooModel, options, (epoch, total, loss, metrics, seconds) -> {
      out.printf("epoch %d/%d  loss %.6f  %s  (%.1f s)%n", epoch, total, loss, format(metrics), seconds);
      out.flush();
    });
    out.printf("compiled step: %d kernels, arena of intermediates %d bytes%n",
        result.step().program().kernels().size(), result.step().program().arenaBytes());
    out.printf("done in %.1f s (compiling %.2f s): final loss %.6f, %s%n",
        result.seconds(), result.compileSeconds(), result.finalLoss(), format(result.metrics()));
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", result.model());
      summary.put("backend", options.backend().toString());
      summary.put("epochs", result.epochs());
      summary.put("final_loss", result.finalLoss());
      summary.putAll(result.metrics());
      summary.put("seconds", result.seconds());
      summary.put("compile_seconds", result.compileSeconds());
      summary.put("arena_bytes", result.step().program().arenaBytes());
      out.println(Json.object(summary));
    }
    out.flush();
    return 0;
  }

  private static String format(Map<String, Double> metrics) {
    StringBuilder text = new StringBuilder();
    metrics.forEach((name, value) -> text.append(text.length() == 0 ? "" : "  ").append(name.replace('_', ' '))
        .append(' ').append(String.format("%.4f", value)));
    return text.toString();
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
