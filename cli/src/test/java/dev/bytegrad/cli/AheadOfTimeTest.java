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
    ClassLoader parent = getClass().getClassLoader();
    ZooModel mlp = Zoo.get("mlp");
    int batch = mlp.defaults().batchSize();
    Data digits = DataSources.load("digits", 0, 1);
    Functions step = Functions.trainingStep(mlp, digits.dims(), batch);
    Parameters scalarValues = Parameters.initialize(step.graph(), 5);
    Parameters vectorValues = scalarValues.copy();
    try (URLClassLoader scalarClasses = new URLClassLoader(new URL[] {generate("scalar").toUri().toURL()}, parent);
        URLClassLoader vectorClasses = new URLClassLoader(new URL[] {generate("vector", "--vector-api").toUri().toURL()}, parent)) {
      assertThat(Files.readString(folder.resolve("vector/aot/vector/MlpStep.java"))).contains("FloatVector");
      CompiledFunction scalar = (CompiledFunction) scalarClasses.loadClass("aot.scalar.MlpStep")
          .getConstructor(Tensor[].class).newInstance((Object) bind(step, scalarValues));
      CompiledFunction vector = (CompiledFunction) vectorClasses.loadClass("aot.vector.MlpStep")
          .getConstructor(Tensor[].class).newInstance((Object) bind(step, vectorValues));
      Tensor rate = Tensor.scalar(DType.F32, 0.05);
      Tensor scalarLoss = Tensor.zeros(DType.F32, Shape.scalar());
      Tensor vectorLoss = Tensor.zeros(DType.F32, Shape.scalar());
      Tensor logits = Tensor.zeros(DType.F32, Shape.of(batch, 10));
      new Minibatches(digits.train(), batch, true, 1).forEach(0, b -> {
        scalar.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {scalarLoss, logits});
        vector.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {vectorLoss, logits});
        assertThat(vectorLoss.floats()[0]).isEqualTo(scalarLoss.floats()[0]);
      });
    }
    scalarValues.asMap().forEach((name, tensor) -> assertThat(vectorValues.get(name).floats()).as(name).containsExactly(tensor.floats()));
  }

  @Test
  void timedClasses_trainWithTheSameBits_andSayWhereTheTimeWent() throws Exception {
    ClassLoader parent = getClass().getClassLoader();
    ZooModel mlp = Zoo.get("mlp");
    int batch = mlp.defaults().batchSize();
    Data digits = DataSources.load("digits", 0, 1);
    Functions step = Functions.trainingStep(mlp, digits.dims(), batch);
    Parameters plainValues = Parameters.initialize(step.graph(), 5);
    Parameters timedValues = plainValues.copy();
    try (URLClassLoader plainClasses = new URLClassLoader(new URL[] {generate("plain").toUri().toURL()}, parent);
        URLClassLoader timedClasses = new URLClassLoader(new URL[] {generate("timed", "--timed").toUri().toURL()}, parent)) {
      CompiledFunction plain = (CompiledFunction) plainClasses.loadClass("aot.plain.MlpStep")
          .getConstructor(Tensor[].class).newInstance((Object) bind(step, plainValues));
      CompiledFunction timed = (CompiledFunction) timedClasses.loadClass("aot.timed.MlpStep")
          .getConstructor(Tensor[].class).newInstance((Object) bind(step, timedValues));
      assertThat(KernelTimes.of(plain)).isEmpty();
      KernelTimes times = KernelTimes.of(timed).orElseThrow();
      Tensor rate = Tensor.scalar(DType.F32, 0.05);
      Tensor loss = Tensor.zeros(DType.F32, Shape.scalar());
      Tensor logits = Tensor.zeros(DType.F32, Shape.of(batch, 10));
      Minibatches batches = new Minibatches(digits.train(), batch, true, 1);
      batches.forEach(0, b -> {
        plain.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {loss, logits});
        timed.run(new Tensor[] {b.features(), b.targets(), rate}, new Tensor[] {loss, logits});
      });
      assertThat(times.calls()).isEqualTo(batches.batchesPerEpoch());
      assertThat(times.table(times.size())).contains("matmul").contains("kernels, " + batches.batchesPerEpoch() + " calls");
    }
    plainValues.asMap().forEach((name, tensor) -> assertThat(timedValues.get(name).floats()).as(name).containsExactly(tensor.floats()));
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
