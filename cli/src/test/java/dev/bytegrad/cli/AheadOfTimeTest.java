package dev.bytegrad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.DataSources;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.Zoo;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.codegen.emit.JavaCompilation;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.KernelTimes;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Minibatches;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java written by {@code bytegrad codegen} compiles against the runtime jar alone and trains like the interpreter. */
class AheadOfTimeTest {
  @TempDir
  Path folder;

  @Test
  void generatedMlpStep_compilesWithTheRuntimeAlone_andTrainsLikeTheInterpreter() throws Exception {
    Path classes = generate("mlp");
    ZooModel mlp = Zoo.get("mlp");
    int batch = mlp.defaults().batchSize();
    Data digits = DataSources.load("digits", 0, 1);
    Functions step = Functions.trainingStep(mlp, digits.dims(), batch);
    Parameters generated = Parameters.initialize(step.graph(), 5);
    Parameters reference = generated.copy();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      CompiledFunction aot = (CompiledFunction) loader.loadClass("aot.mlp.MlpStep")
          .getConstructor(Tensor[].class).newInstance((Object) bind(step, generated));
      CompiledFunction interpreted = GraphCompiler.compile("mlp", step.step(), Backend.INTERPRETER).instantiate(bind(step, reference));
      Tensor rate = Tensor.scalar(DType.F32, 0.05);
      Tensor aotLoss = Tensor.zeros(DType.F32, Shape.scalar());
      Tensor interpretedLoss = Tensor.zeros(DType.F32, Shape.scalar());
      Tensor logits = Tensor.zeros(DType.F32, Shape.of(batch, 10));
      Minibatches batches = new Minibatches(digits.train(), batch, true, 1);
      batches.forEach(0, b -> {
        aot.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {aotLoss, logits});
        interpreted.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {interpretedLoss, logits});
        assertThat(aotLoss.getDouble(0)).isCloseTo(interpretedLoss.getDouble(0), org.assertj.core.api.Assertions.within(1e-4));
      });
      assertThat(aotLoss.getDouble(0)).isLessThan(0.5);
    }
    reference.asMap().forEach((name, tensor) -> {
      double[] want = tensor.toDoubleArray();
      double[] got = generated.get(name).toDoubleArray();
      for (int i = 0; i < want.length; i++) {
        assertThat(Math.abs(got[i] - want[i])).as("%s[%d]", name, i).isLessThan(1e-4 * (1 + Math.abs(want[i])));
      }
    });
  }

  @Test
  void withTheVectorApi_theGeneratedStepTrainsWithTheSameBits() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "the JVM running the tests has no jdk.incubator.vector");
    SideBySide run = trainSideBySide("scalar", "vector", "--vector-api");
    assertThat(Files.readString(folder.resolve("vector/aot/vector/MlpStep.java"))).contains("FloatVector");
    assertThat(run.secondLosses()).containsExactlyElementsOf(run.firstLosses());
    run.first().asMap().forEach((name, tensor) -> assertThat(run.second().get(name).floats()).as(name).containsExactly(tensor.floats()));
  }

  @Test
  void timedClasses_trainWithTheSameBits_andSayWhereTheTimeWent() throws Exception {
    SideBySide run = trainSideBySide("plain", "timed", "--timed");
    assertThat(KernelTimes.of(run.firstStep())).isEmpty();
    KernelTimes times = KernelTimes.of(run.secondStep()).orElseThrow();
    int steps = run.firstLosses().size();
    assertThat(times.calls()).isEqualTo(steps);
    assertThat(times.table(times.size())).contains("matmul").contains("kernels, " + steps + " calls");
    assertThat(run.secondLosses()).containsExactlyElementsOf(run.firstLosses());
    run.first().asMap().forEach((name, tensor) -> assertThat(run.second().get(name).floats()).as(name).containsExactly(tensor.floats()));
  }

  /** Two generated MLP steps trained side by side: their parameters, instances and losses step by step. */
  private record SideBySide(Parameters first, Parameters second, CompiledFunction firstStep, CompiledFunction secondStep,
      List<Float> firstLosses, List<Float> secondLosses) {}

  /**
   * Generates the MLP's step into {@code aot.<first>} and, with {@code options}, into {@code aot.<second>},
   * and trains both an epoch of the digits from the same parameters.
   */
  private SideBySide trainSideBySide(String first, String second, String... options) throws Exception {
    ClassLoader parent = getClass().getClassLoader();
    ZooModel mlp = Zoo.get("mlp");
    int batch = mlp.defaults().batchSize();
    Data digits = DataSources.load("digits", 0, 1);
    Functions step = Functions.trainingStep(mlp, digits.dims(), batch);
    Parameters firstValues = Parameters.initialize(step.graph(), 5);
    Parameters secondValues = firstValues.copy();
    List<Float> firstLosses = new java.util.ArrayList<>();
    List<Float> secondLosses = new java.util.ArrayList<>();
    try (URLClassLoader firstClasses = new URLClassLoader(new URL[] {generate(first).toUri().toURL()}, parent);
        URLClassLoader secondClasses = new URLClassLoader(new URL[] {generate(second, options).toUri().toURL()}, parent)) {
      CompiledFunction firstStep = (CompiledFunction) firstClasses.loadClass("aot." + first + ".MlpStep")
          .getConstructor(Tensor[].class).newInstance((Object) bind(step, firstValues));
      CompiledFunction secondStep = (CompiledFunction) secondClasses.loadClass("aot." + second + ".MlpStep")
          .getConstructor(Tensor[].class).newInstance((Object) bind(step, secondValues));
      Tensor rate = Tensor.scalar(DType.F32, 0.05);
      Tensor loss = Tensor.zeros(DType.F32, Shape.scalar());
      Tensor logits = Tensor.zeros(DType.F32, Shape.of(batch, 10));
      new Minibatches(digits.train(), batch, true, 1).forEach(0, b -> {
        firstStep.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {loss, logits});
        firstLosses.add(loss.floats()[0]);
        secondStep.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {loss, logits});
        secondLosses.add(loss.floats()[0]);
      });
      return new SideBySide(firstValues, secondValues, firstStep, secondStep, firstLosses, secondLosses);
    }
  }

  /**
   * Runs {@code bytegrad codegen} for the MLP into package {@code aot.<name>} and compiles it with the
   * runtime jar alone on the classpath: the classes' folder.
   */
  private Path generate(String name, String... options) throws Exception {
    Path out = folder.resolve(name);
    String[] command = Stream.concat(Stream.of("codegen", "--model", "mlp", "--out", out.toString(), "--package", "aot." + name),
        Stream.of(options)).toArray(String[]::new);
    assertThat(Main.run(command)).isZero();
    Path classes = Files.createDirectories(out.resolve("classes"));
    List<String> sources;
    try (Stream<Path> files = Files.walk(out.resolve("aot"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
    }
    assertThat(sources).as("the step and the inference function").hasSize(2);
    assertThat(JavaCompilation.runtimeClasspath()).as("the runtime alone").contains("runtime");
    Stream<String> vectorModule = List.of(options).contains("--vector-api") ? Stream.of("--add-modules", "jdk.incubator.vector") : Stream.empty();
    String[] arguments = Stream.of(Stream.of("--release", "17", "-classpath", JavaCompilation.runtimeClasspath(), "-d", classes.toString()),
        vectorModule, sources.stream()).flatMap(s -> s).toArray(String[]::new);
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments)).isZero();
    return classes;
  }

  private static Tensor[] bind(Functions functions, Parameters values) {
    return functions.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
  }
}
