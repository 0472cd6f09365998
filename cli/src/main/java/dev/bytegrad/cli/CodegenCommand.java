package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.lower.Lowering;
import dev.bytegrad.codegen.emit.JavaEmitter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bytegrad codegen --model NAME --out DIR}: writes a zoo model's training step and inference
 * function as Java source that compiles against the runtime jar alone.
 */
@Command(name = "codegen", mixinStandardHelpOptions = true,
    description = "Writes a model's training step and inference function as Java source needing only the runtime jar.")
final class CodegenCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private ModelMixin modelOptions;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "where to write the sources (package folders are created)")
  private Path out;

  @Option(names = {"--batch", "--batch-size"}, paramLabel = "N", description = "examples per call (default: the model's)")
  private Integer batchSize;

  @Option(names = "--package", paramLabel = "NAME", defaultValue = JavaEmitter.PACKAGE, description = "package of the classes (default: ${DEFAULT-VALUE})")
  private String packageName;

  @Option(names = "--vector-api", description = "run lanewise loops on the Vector API (same results, faster): the classes then "
      + "need --add-modules jdk.incubator.vector to compile and run")
  private boolean vectorApi;

  @Option(names = "--timed", description = "time each kernel: the classes then also implement KernelTimes.Timed, whose"
      + " kernelTimes().table(n) shows where a call's time went (same results; a clock read of about 30 ns a kernel)")
  private boolean timed;

  @Override
  public Integer call() {
    ZooModel zooModel = modelOptions.model(spec);
    int batch = batchSize != null ? batchSize : zooModel.defaults().batchSize();
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "batch size must be at least 1, got " + batch);
    }
    PrintWriter output = spec.commandLine().getOut();
    Data.Dims dims = modelOptions.data(spec, zooModel, 1).dims();
    Functions step = Functions.trainingStep(zooModel, dims, batch);
    Functions inference = Functions.inference(zooModel, dims, batch);
    for (var function : java.util.List.of(
        java.util.Map.entry(zooModel.name() + "_step", step), java.util.Map.entry(zooModel.name() + "_inference", inference))) {
      Program program = Lowering.lower(function.getKey(), GraphCompiler.simplify(function.getValue().step()), vectorApi);
      Path file = write(program.name(), JavaEmitter.emit(program, packageName, timed));
      output.printf("wrote %s: inputs %s; parameters %s%s%n", file, names(program.inputs()), names(program.parameters()),
          timed ? "; " + program.kernels().size() + " kernels, timed" : "");
    }
    output.flush();
    return 0;
  }

  private static String names(java.util.List<dev.bytegrad.codegen.loop.Buffer> buffers) {
    return String.join(", ", buffers.stream().map(dev.bytegrad.codegen.loop.Buffer::name).toList());
  }

  /** Writes atomically: a half-written source file never replaces a good one. */
  private Path write(String className, String source) {
    Path folder = out.resolve(packageName.replace('.', '/'));
    Path file = folder.resolve(className + ".java");
    try {
      Files.createDirectories(folder);
      Path temporary = Files.createTempFile(folder, className, ".tmp");
      Files.writeString(temporary, source, StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      file.toFile().setReadable(true, false);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
