package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.nn.Convolutions;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A small CNN's training step, compiled by both backends, follows the interpreter and allocates nothing. */
class ConvolutionStepTest {
  private record Cnn(Graph graph, Node x, Node y, TrainingGraph training) {
    static Cnn create() {
      Graph g = new Graph();
      Node x = g.input("x", 8, 1, 10, 10);
      Node y = g.input("y", DType.I32, 8);
      Node conv = Layers.conv2d(x, "conv1", 4, 3, 1, 1, Init.heNormal()).relu();
      Node pooled = Convolutions.maxPool2d(conv, 2, 2, 0);
      Node conv2 = Layers.conv2d(pooled, "conv2", 6, 3, 2, 0, Init.heNormal()).tanh();
      Node averaged = Convolutions.avgPool2d(conv2, 2, 1, 0);
      Node logits = Layers.dense(Convolutions.flatten(averaged), "output", 3, Init.glorotUniform());
      return new Cnn(g, x, y, TrainingGraph.build(Losses.crossEntropy(logits, y), g.parameters(), new Momentum(0.9)));
    }

    Tensor[] bind(Parameters values) {
      return graph.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
    }
  }

  private static Tensor[] batch(int seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Tensor x = Tensor.zeros(DType.F32, Shape.of(8, 1, 10, 10));
    Tensor y = Tensor.zeros(DType.I32, Shape.of(8));
    for (int n = 0; n < 8; n++) {
      int label = random.nextInt(3);
      y.ints()[n] = label;
      for (int p = 0; p < 100; p++) {
        x.floats()[n * 100 + p] = (float) (random.nextGaussian() * 0.3 + ((p / 10) / 4 == label ? 1 : 0));
      }
    }
    return new Tensor[] {x, y, Tensor.scalar(DType.F32, 0.05)};
  }

  private static Parameters train(Backend backend, double[] losses) {
    Cnn cnn = Cnn.create();
    Parameters values = Parameters.initialize(cnn.graph(), 2);
    CompiledFunction step = GraphCompiler.compileStep("cnn", cnn.training(), List.of(cnn.x(), cnn.y()), backend)
        .instantiate(cnn.bind(values));
    Tensor loss = Tensor.zeros(DType.F32, Shape.scalar());
    for (int i = 0; i < losses.length; i++) {
      step.run(batch(i % 5), new Tensor[] {loss});
      losses[i] = loss.getDouble(0);
    }
    return values;
  }

  @Test
  void cnn_trainedFor40Steps_endsWithTheSameParametersInEveryBackend() {
    double[] interpreted = new double[40];
    Parameters expected = train(Backend.INTERPRETER, interpreted);
    assertThat(interpreted[39]).isLessThan(interpreted[0] / 2);
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Parameters actual = train(backend, new double[40]);
      expected.asMap().forEach((name, tensor) -> {
        double[] want = tensor.toDoubleArray();
        double[] got = actual.get(name).toDoubleArray();
        for (int i = 0; i < want.length; i++) {
          assertThat(Math.abs(got[i] - want[i])).as("%s %s[%d]", backend, name, i).isLessThan(1e-4 * (1 + Math.abs(want[i])));
        }
      });
    }
  }

  @Test
  void patchMatrices_areReadByTheProductsFromTheirTables_neverGatheredIntoABuffer() {
    Cnn cnn = Cnn.create();
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Compiled compiled = GraphCompiler.compileStep("cnn", cnn.training(), List.of(cnn.x(), cnn.y()), backend);
      String loops = dev.bytegrad.codegen.loop.LoopPrinter.print(compiled.program());
      // each convolution's forward product and kernel gradient read its patches from its table; the two
      // gathers left take the average pooling's windows (they overlap) and the loss's logit of each label
      assertThat(occurrences(loops, "(b: rows of ")).as(backend + "\n" + loops).isEqualTo(4);
      assertThat(occurrences(loops, " = gather ")).as(backend + "\n" + loops).isEqualTo(2);
      if (backend == Backend.ASM) {
        java.io.StringWriter problems = new java.io.StringWriter();
        org.objectweb.asm.util.CheckClassAdapter.verify(new org.objectweb.asm.ClassReader(compiled.classFile()),
            getClass().getClassLoader(), false, new java.io.PrintWriter(problems));
        assertThat(problems.toString()).isEmpty();
      }
    }
    String source = GraphCompiler.compileStep("cnn", cnn.training(), List.of(cnn.x(), cnn.y()), Backend.JAVAPOET).javaSource();
    assertThat(occurrences(source, "Gemm.sgemmGathered(")).isEqualTo(4);
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  @Test
  void compiledCnnStep_allocatesNothingAfterWarmUp() {
    Cnn cnn = Cnn.create();
    CompiledFunction step = GraphCompiler.compileStep("cnn", cnn.training(), List.of(cnn.x(), cnn.y()), Backend.ASM)
        .instantiate(cnn.bind(Parameters.initialize(cnn.graph(), 1)));
    Tensor[] inputs = batch(0);
    Tensor[] outputs = {Tensor.zeros(DType.F32, Shape.scalar())};
    assertThat(Allocations.afterWarmUp(() -> step.run(inputs, outputs), 500, 60)).isZero();
  }
}
