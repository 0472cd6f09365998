package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;

/** A multilayer perceptron 64-64-10 with ReLU on the digits, He-initialized. */
final class Mlp extends DigitsClassifier {
  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public String description() {
    return "multilayer perceptron 64-64-10 (ReLU) on the 8x8 handwritten digits";
  }

  @Override
  public Network build(Graph graph, int batchSize) {
    Node x = graph.input("x", batchSize, 64);
    Node y = graph.input("y", DType.I32, batchSize);
    Node hidden = Layers.dense(x, "hidden", 64, Init.heNormal()).relu();
    Node logits = Layers.dense(hidden, "output", 10, Init.glorotUniform());
    return new Network(x, y, logits, Losses.crossEntropy(logits, y));
  }

  @Override
  public Hyperparameters defaults() {
    return new Hyperparameters(30, 32, 0.05, 0.9);
  }
}
