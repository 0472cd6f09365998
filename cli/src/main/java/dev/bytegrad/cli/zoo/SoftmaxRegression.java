package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;

/** Softmax (multinomial logistic) regression over all classes, cross-entropy from logits. */
final class SoftmaxRegression implements ZooModel {
  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public String description() {
    return "softmax (multinomial logistic) regression";
  }

  @Override
  public Network build(Graph graph, int batchSize, Data.Dims dims) {
    Node x = graph.input("x", batchSize, dims.features());
    Node y = graph.input("y", DType.I32, batchSize);
    Node logits = Layers.dense(x, "linear", dims.classes(), Init.zeros());
    return new Network(x, y, logits, Losses.crossEntropy(logits, y));
  }

  @Override
  public Hyperparameters defaults() {
    return new Hyperparameters(30, 32, "momentum", 0.1, 0.9);
  }
}
