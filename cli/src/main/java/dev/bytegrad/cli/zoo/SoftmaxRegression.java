package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;

/** Softmax (multinomial logistic) regression on all ten digits, cross-entropy from logits. */
final class SoftmaxRegression extends DigitsClassifier {
  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public String description() {
    return "softmax regression on the 8x8 handwritten digits";
  }

  @Override
  public Network build(Graph graph, int batchSize) {
    Node x = graph.input("x", batchSize, 64);
    Node y = graph.input("y", DType.I32, batchSize);
    Node logits = Layers.dense(x, "linear", 10, Init.zeros());
    return new Network(x, y, logits, Losses.crossEntropy(logits, y));
  }

  @Override
  public Hyperparameters defaults() {
    return new Hyperparameters(30, 32, 0.1, 0.9);
  }
}
