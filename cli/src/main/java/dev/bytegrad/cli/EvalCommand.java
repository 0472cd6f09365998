package dev.bytegrad.cli;

import dev.bytegrad.cli.train.Checkpoint;
import dev.bytegrad.cli.train.Evaluator;
import dev.bytegrad.cli.train.RunDirectory;
import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.data.Dataset;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bytegrad eval --checkpoint PATH}: scores a trained model's checkpoint on a data set's test set. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Scores a checkpoint on the test set of the data it was trained on, or of another data set of the same shape.")
final class EvalCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "PATH",
      description = "a checkpoint file, or a run directory (its best checkpoint if it has one, else its last)")
  private Path checkpoint;

  @Option(names = "--data", paramLabel = "NAME", description = "digits, diabetes, fashion-mnist or idx:DIR (default: the checkpoint's)")
  private String data;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "asm", description = "asm (the default), javapoet or interpreter")
  private String backend;

  @Option(names = "--threads", paramLabel = "N", description = "threads for large matrix products (default: all cores)")
  private Integer threads;

  @Option(names = "--json", description = "end the output with a one-line JSON summary")
  private boolean json;

  @Override
  public Integer call() throws IOException {
    Path file = file();
    Map<String, String> metadata = SafeTensors.header(file).metadata();
    Checkpoint.Identity identity = Checkpoint.identity(metadata);
    ZooModel model = ModelOption.resolve(spec, identity.model(), identity.hidden());
    long seed = Long.parseLong(metadata.getOrDefault("seed", "1"));
    Data dataSet = ModelOption.data(spec, model, data != null ? data : identity.data(), identity.validation(), seed);
    if (!dataSet.dims().equals(new Data.Dims(identity.features(), identity.classes()))) {
      throw new ParameterException(spec.commandLine(), String.format("the checkpoint's model takes %d features and %d classes, but %s has %d and %d",
          identity.features(), identity.classes(), dataSet.spec(), dataSet.dims().features(), dataSet.dims().classes()));
    }
    Backend chosen = ModelOption.backend(spec, backend);
    ModelOption.threads(spec, threads);
    Dataset test = dataSet.test();
    Parameters parameters = Parameters.initialize(Functions.evaluation(model, dataSet.dims(), 1).graph(), seed);
    SafeTensors.load(file, parameters.asMap(), true);
    double[] measures = new Evaluator(model, dataSet.dims(), test, chosen, parameters).measure();
    String score = model.isClassifier() ? "test_accuracy" : "test_mse";
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%s after epoch %s, on %s (%d test examples): test loss %.6f, %s %.4f%n", model.name(),
        lastEpoch(metadata), dataSet.spec(), test.size(), measures[0], score.replace('_', ' '), measures[1]);
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("checkpoint", file.toString());
      summary.put("model", model.name());
      summary.put("data", dataSet.spec());
      summary.put("test_loss", measures[0]);
      summary.put(score, measures[1]);
      out.println(Json.object(summary));
    }
    out.flush();
    return 0;
  }

  private static String lastEpoch(Map<String, String> metadata) {
    String history = metadata.getOrDefault("history", "");
    String[] epochs = history.split(";");
    return epochs.length == 0 || epochs[epochs.length - 1].isEmpty() ? "?" : epochs[epochs.length - 1].split(",")[0];
  }

  private Path file() {
    if (!Files.isDirectory(checkpoint)) {
      return checkpoint;
    }
    Path best = checkpoint.resolve(RunDirectory.BEST);
    return Files.exists(best) ? best : checkpoint.resolve(RunDirectory.CHECKPOINT);
  }
}
