package dev.bytegrad.cli;

import dev.bytegrad.cli.text.CharModel;
import dev.bytegrad.cli.text.Sampler;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bytegrad sample --checkpoint PATH}: generates text from a character language model, drawing
 * each next character from the model's distribution (sharpened or flattened by the temperature).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generates text from a char-rnn or char-lstm checkpoint, one character at a time.",
        "The same checkpoint, prime, temperature and seed give the same text."})
final class SampleCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "PATH",
      description = "a character model's checkpoint, or its run directory (its best checkpoint)")
  private Path checkpoint;

  @Option(names = "--length", paramLabel = "N", defaultValue = "500", description = "characters to generate (default: 500)")
  private int length;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
      description = "divides the logits: below 1 more likely characters, above 1 more varied (default: 1)")
  private double temperature;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "seed of the draws (default: 1)")
  private long seed;

  @Option(names = "--prime", paramLabel = "TEXT", defaultValue = "",
      description = "text the model reads first and the sample continues (default: none, a start from the zero state)")
  private String prime;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "asm", description = "asm (the default), javapoet or interpreter")
  private String backend;

  @Override
  public Integer call() throws IOException {
    if (length < 0) {
      throw new ParameterException(spec.commandLine(), "--length must not be negative, got " + length);
    }
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new ParameterException(spec.commandLine(), "--temperature must be positive, got " + temperature);
    }
    Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve("best.safetensors") : checkpoint;
    if (!Files.exists(file)) {
      throw new ParameterException(spec.commandLine(), "no checkpoint at " + file);
    }
    Map<String, String> metadata = SafeTensors.header(file).metadata();
    String model = metadata.get("model");
    if (!CharModel.Kind.isCharModel(model)) {
      throw new ParameterException(spec.commandLine(), file + " holds " + (model == null ? "no model's parameters" : "a " + model + " model")
          + "; sample needs a checkpoint of char-rnn or char-lstm");
    }
    Backend chosen = ModelOption.backend(spec, backend);
    Sampler sampler;
    try {
      sampler = Sampler.load(file, chosen);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    String text;
    try {
      text = sampler.sample(prime, length, temperature, seed);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--prime: " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(prime);
    out.println(text);
    out.flush();
    return 0;
  }
}
