package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.train.InterpretedStep;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The example of README.md, kept compiling and working. */
class ReadmeExampleTest {
  @Test
  void readmeExample_trainsAndPrints() {
    Tensor batchX = Tensor.zeros(DType.F32, Shape.of(32, 64));
    Tensor batchY = Tensor.zeros(DType.I32, Shape.of(32));
    SplittableRandom random = new SplittableRandom(0);
    for (int i = 0; i < 32; i++) {
      batchY.ints()[i] = i % 10;
      for (int j = 0; j < 64; j++) {
        batchX.floats()[i * 64 + j] = (float) (random.nextGaussian() * 0.1 + (j % 10 == i % 10 ? 1 : 0));
      }
    }

    // ---- as in README.md ----
    Graph g = new Graph();
    Node x = g.input("x", 32, 64);                  // a batch of 32 digits, 8x8 pixels each
    Node y = g.input("y", DType.I32, 32);           // their labels
    Node hidden = Layers.dense(x, "hidden", 64, Init.heNormal()).relu();
    Node logits = Layers.dense(hidden, "output", 10, Init.glorotUniform());
    Node loss = Losses.crossEntropy(logits, y);

    List<Node> gradients = Autodiff.grad(loss, g.parameters()); // more graph: print, evaluate, differentiate
    String text = GraphPrinter.print(gradients);

    TrainingGraph training = TrainingGraph.build(loss, g.parameters(), new Momentum(0.9));
    Parameters parameters = Parameters.initialize(g, 42);
    InterpretedStep step = new InterpretedStep(training, parameters);
    double first = step.run(Map.of(x, batchX, y, batchY), 0.05);
    // ---- end of the README's example ----

    double last = first;
    for (int i = 0; i < 30; i++) {
      last = step.run(Map.of(x, batchX, y, batchY), 0.05);
    }
    assertThat(text).contains("matmul").contains(": f32[64,64]");
    assertThat(last).isLessThan(first / 10);
  }
}
