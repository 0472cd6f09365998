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
    assertThat(Main.run("codegen", "--model", "mlp", "--out", folder.toString(), "--package", "aot.mlp")).isZero();
    Path classes = Files.createDirectories(folder.resolve("classes"));
    List<String> sources;
    try (Stream<Path> files = Files.walk(folder.resolve("aot"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
    }
    assertThat(sources).hasSize(2);
    String runtimeOnly = JavaCompilation.runtimeClasspath();
    assertThat(runtimeOnly).contains("runtime");
    String[] arguments = Stream.concat(Stream.of("--release", "17", "-classpath", runtimeOnly, "-d", classes.toString()),
        sources.stream()).toArray(String[]::new);
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments)).isZero();

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

  private static Tensor[] bind(Functions functions, Parameters values) {
    return functions.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
  }
}
