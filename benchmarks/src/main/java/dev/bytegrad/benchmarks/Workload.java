package dev.bytegrad.benchmarks;

import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training steps the benchmarks measure, float32, SGD with momentum 0.9: softmax regression
 * 784 to 10 on batches of 256, and an MLP 784-256-10 with ReLU on batches of 64 — MNIST-sized inputs
 * with random data (speed does not depend on the values).
 */
public enum Workload {
  SOFTMAX(784, 0, 10, 256),
  MLP(784, 256, 10, 64);

  final int inputs;
  final int hidden;
  final int classes;
  final int batch;

  Workload(int inputs, int hidden, int classes, int batch) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.classes = classes;
    this.batch = batch;
  }

  /** The step's graph, signature and parameters (model parameters first, then their velocities). */
  public record Built(Signature signature, Parameters values, Tensor[] parameters) {}

  public Built build(long seed) {
    Model model = model();
    Graph g = model.loss().graph();
    Node x = model.x();
    Node y = model.y();
    Node loss = model.loss();
    TrainingGraph training = TrainingGraph.build(loss, g.parameters(), new Momentum(0.9));
    Signature signature = new Signature(List.of(x, y, training.learningRate()), g.parameters(), List.of(loss), training.updates());
    Parameters values = Parameters.initialize(g, seed);
    Tensor[] parameters = g.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
    return new Built(signature, values, parameters);
  }

  /** The model's graph, without training: its parameters are the model's. */
  public Graph graph() {
    return model().loss().graph();
  }

  private record Model(Node x, Node y, Node loss) {}

  private Model model() {
    Graph g = new Graph();
    Node x = g.input("x", batch, inputs);
    Node y = g.input("y", DType.I32, batch);
    Node features = hidden == 0 ? x : Layers.dense(x, "hidden", hidden, Init.heNormal()).relu();
    return new Model(x, y, Losses.crossEntropy(Layers.dense(features, "output", classes, Init.glorotUniform()), y));
  }

  /** A random batch: features, labels, and the learning rate. */
  public Tensor[] batch(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Tensor x = Tensor.zeros(DType.F32, Shape.of(batch, inputs));
    Tensor y = Tensor.zeros(DType.I32, Shape.of(batch));
    for (int i = 0; i < x.size(); i++) {
      x.floats()[i] = (float) random.nextDouble();
    }
    for (int i = 0; i < batch; i++) {
      y.ints()[i] = random.nextInt(classes);
    }
    return new Tensor[] {x, y, Tensor.scalar(DType.F32, 0.01)};
  }

  /** Floating-point operations of one step's matrix products (2 per multiply-add), the figure GFLOP/s is computed from. */
  public long gemmFlops() {
    long forward = hidden == 0 ? (long) batch * inputs * classes : (long) batch * inputs * hidden + (long) batch * hidden * classes;
    long backward = hidden == 0 ? (long) batch * inputs * classes
        : (long) batch * inputs * hidden + 2L * batch * hidden * classes;
    return 2 * (forward + backward);
  }
}
