package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Optimizer;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole training steps, compiled: the same trajectory in every backend, no allocation, a shared arena. */
class TrainingStepTest {
  private static final int BATCH = 16;

  /** An MLP 20-32-5 with momentum, its graph and its step. */
  private record Model(Graph graph, Node x, Node y, TrainingGraph training) {
    static Model create() {
      return create(new Momentum(0.9), Regularization.NONE);
    }

    static Model create(Optimizer optimizer, Regularization regularization) {
      Graph g = new Graph();
      Node x = g.input("x", BATCH, 20);
      Node y = g.input("y", DType.I32, BATCH);
      Node hidden = Layers.dense(x, "hidden", 32, Init.heNormal()).relu();
      Node loss = Losses.crossEntropy(Layers.dense(hidden, "output", 5, Init.glorotUniform()), y);
      return new Model(g, x, y, TrainingGraph.build(loss, g.parameters(), optimizer, regularization));
    }

    Tensor[] parameters(Parameters values) {
      return graph.parameters().stream().map(p -> values.get(((dev.bytegrad.graph.op.Parameter) p.op()).name())).toArray(Tensor[]::new);
    }
  }

  private static Tensor[] batch(int step) {
    SplittableRandom random = new SplittableRandom(step);
    Tensor x = Tensor.zeros(DType.F32, Shape.of(BATCH, 20));
    Tensor y = Tensor.zeros(DType.I32, Shape.of(BATCH));
    for (int i = 0; i < BATCH; i++) {
      y.ints()[i] = random.nextInt(5);
      for (int j = 0; j < 20; j++) {
        x.floats()[i * 20 + j] = (float) (random.nextGaussian() + (j % 5 == y.ints()[i] ? 1.5 : 0));
      }
    }
    return new Tensor[] {x, y, Tensor.scalar(DType.F32, 0.05)};
  }

  private static Parameters train(Backend backend, int steps, double[] losses) {
    return train(Model.create(), backend, steps, losses);
  }

  private static Parameters train(Model model, Backend backend, int steps, double[] losses) {
    Parameters values = Parameters.initialize(model.graph(), 11);
    Compiled compiled = GraphCompiler.compileStep("mlp", model.training(), List.of(model.x(), model.y()), backend);
    CompiledFunction step = compiled.instantiate(model.parameters(values));
    Tensor loss = Tensor.zeros(DType.F32, Shape.scalar());
    for (int i = 0; i < steps; i++) {
      step.run(batch(i % 10), new Tensor[] {loss});
      losses[i] = loss.getDouble(0);
    }
    return values;
  }

  @Test
  void mlp_trainedFor100Steps_endsWithTheSameParametersInEveryBackend() {
    double[] interpreted = new double[100];
    Parameters expected = train(Backend.INTERPRETER, 100, interpreted);
    assertThat(interpreted[99]).isLessThan(interpreted[0] / 3);
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      double[] losses = new double[100];
      Parameters actual = train(backend, 100, losses);
      assertThat(losses[99]).as(backend.toString()).isCloseTo(interpreted[99], org.assertj.core.api.Assertions.within(1e-4));
      expected.asMap().forEach((name, tensor) -> {
        double[] want = tensor.toDoubleArray();
        double[] got = actual.get(name).toDoubleArray();
        for (int i = 0; i < want.length; i++) {
          assertThat(Math.abs(got[i] - want[i])).as("%s %s[%d]", backend, name, i).isLessThan(1e-4 * (1 + Math.abs(want[i])));
        }
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"})
  void everyOptimizer_compiled_followsTheInterpretersTrajectory(String name) {
    Regularization regularization = new Regularization(1e-3, 5.0);
    double[] interpreted = new double[30];
    Parameters expected = train(Model.create(Optimizer.named(name, 0.9, 0.01), regularization), Backend.INTERPRETER, 30, interpreted);
    assertThat(interpreted[29]).as(name + " trains").isLessThan(interpreted[0]);
    double[] losses = new double[30];
    Parameters actual = train(Model.create(Optimizer.named(name, 0.9, 0.01), regularization), Backend.ASM, 30, losses);
    assertThat(actual.asMap().keySet()).isEqualTo(expected.asMap().keySet());
    expected.asMap().forEach((parameter, tensor) -> {
      double[] want = tensor.toDoubleArray();
      double[] got = actual.get(parameter).toDoubleArray();
      for (int i = 0; i < want.length; i++) {
        assertThat(Math.abs(got[i] - want[i])).as("%s %s[%d]", name, parameter, i).isLessThan(1e-4 * (1 + Math.abs(want[i])));
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"momentum", "nesterov", "rmsprop", "adam", "adamw"})
  void decayingState_underAZeroGradient_becomesZeroRatherThanSubnormal(String name) {
    // velocities and moments start just above the smallest normal float and decay with nothing added:
    // read as zero once subnormal, they are zero from then on in every backend (Optimizer.flushSubnormal),
    // where they would otherwise sink to the smallest subnormal, 0.9 * 1.4e-45 rounding back to it, and stay
    Graph g = new Graph();
    Node x = g.input("x", 8);
    Node w = g.parameter("w", Init.zeros(), DType.F32, 8);
    TrainingGraph training = TrainingGraph.build(w.mul(x).sum(), List.of(w), Optimizer.named(name, 0.9, 0.01), Regularization.NONE);
    for (Backend backend : List.of(Backend.INTERPRETER, Backend.ASM, Backend.JAVAPOET)) {
      Parameters values = Parameters.initialize(g, 1);
      values.get("w").copyFrom(Tensor.ofFloats(Shape.of(8), 1, -2, 3, -4, 5, -6, 7, -8));
      List<String> states = values.asMap().keySet().stream().filter(n -> !n.equals("w") && !n.endsWith("step")).toList();
      assertThat(states).as(name).isNotEmpty();
      for (String state : states) {
        java.util.Arrays.fill(values.get(state).floats(), 1.01f * Float.MIN_NORMAL);
      }
      CompiledFunction step = GraphCompiler.compileStep("flush", training, List.of(x), backend)
          .instantiate(g.parameters().stream().map(p -> values.get(((dev.bytegrad.graph.op.Parameter) p.op()).name())).toArray(Tensor[]::new));
      Tensor[] inputs = {Tensor.zeros(DType.F32, Shape.of(8)), Tensor.scalar(DType.F32, 0.05)};
      Tensor[] outputs = {Tensor.zeros(DType.F32, Shape.scalar())};
      for (int i = 0; i < 200; i++) {
        step.run(inputs, outputs);
      }
      for (String state : states) {
        assertThat(values.get(state).floats()).as("%s on %s: %s", name, backend, state).containsOnly(0f);
      }
      if (!name.equals("adamw")) { // which decays the weights themselves
        assertThat(values.get("w").floats()).as("%s on %s: w", name, backend).containsExactly(1, -2, 3, -4, 5, -6, 7, -8);
      }
    }
  }

  @Test
  void threads_giveBitwiseIdenticalTrainingSteps() {
    Graph g = new Graph();
    Node x = g.input("x", 64, 256);
    Node y = g.input("y", DType.I32, 64);
    Node hidden = Layers.dense(x, "hidden", 128, Init.heNormal()).relu();
    Node loss = Losses.crossEntropy(Layers.dense(hidden, "output", 10, Init.glorotUniform()), y);
    TrainingGraph training = TrainingGraph.build(loss, g.parameters(), new Momentum(0.9));
    Compiled compiled = GraphCompiler.compileStep("wide", training, List.of(x, y), Backend.ASM);
    SplittableRandom random = new SplittableRandom(4);
    Tensor features = Tensor.zeros(DType.F32, Shape.of(64, 256));
    Tensor labels = Tensor.zeros(DType.I32, Shape.of(64));
    for (int i = 0; i < features.size(); i++) {
      features.floats()[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < 64; i++) {
      labels.ints()[i] = random.nextInt(10);
    }
    int before = dev.bytegrad.runtime.Gemm.threads();
    java.util.Map<Integer, Parameters> results = new java.util.HashMap<>();
    try {
      for (int threads : new int[] {1, 2}) {
        dev.bytegrad.runtime.Gemm.setThreads(threads);
        Parameters values = Parameters.initialize(g, 3);
        CompiledFunction step = compiled.instantiate(g.parameters().stream()
            .map(p -> values.get(((dev.bytegrad.graph.op.Parameter) p.op()).name())).toArray(Tensor[]::new));
        for (int i = 0; i < 10; i++) {
          step.run(new Tensor[] {features, labels, Tensor.scalar(DType.F32, 0.01)}, new Tensor[] {Tensor.zeros(DType.F32, Shape.scalar())});
        }
        results.put(threads, values);
      }
    } finally {
      dev.bytegrad.runtime.Gemm.setThreads(before);
    }
    results.get(1).asMap().forEach((name, tensor) -> assertThat(results.get(2).get(name)).as(name).isEqualTo(tensor));
  }

  @Test
  void compiledStep_allocatesNothingAfterWarmUp() {
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Model model = Model.create();
      CompiledFunction step = GraphCompiler.compileStep("mlp", model.training(), List.of(model.x(), model.y()), backend)
          .instantiate(model.parameters(Parameters.initialize(model.graph(), 1)));
      Tensor[] inputs = batch(0);
      Tensor[] outputs = {Tensor.zeros(DType.F32, Shape.scalar())};
      long allocated = Allocations.afterWarmUp(() -> step.run(inputs, outputs), 1_000, 80);
      assertThat(allocated).as("bytes allocated by 1000 %s steps", backend).isZero();
    }
  }

  @Test
  void memoryPlan_reusesSpace_soTheArenaIsSmallerThanAllIntermediates() {
    Model model = Model.create();
    Compiled compiled = GraphCompiler.compileStep("mlp", model.training(), List.of(model.x(), model.y()), Backend.ASM);
    assertThat(compiled.program().arenaBytes()).isPositive().isLessThan(compiled.program().temporaryBytes());
  }
}
