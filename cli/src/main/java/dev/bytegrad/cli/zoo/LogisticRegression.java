package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;

/** Binary logistic regression: class 0 against class 1 (digits 0 and 1 by default), binary cross-entropy from logits. */
final class LogisticRegression implements ZooModel {
  @Override
  public String name() {
    return "logreg";
  }

  @Override
  public String description() {
    return "logistic regression telling class 0 from class 1";
  }

  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public Data prepare(Data data) {
    return ZooModel.super.prepare(data).binary();
  }

  @Override
  public Network build(Graph graph, int batchSize, Data.Dims dims) {
    Node x = graph.input("x", batchSize, dims.features());
    Node y = graph.input("y", DType.I32, batchSize);
    Node logit = Layers.dense(x, "linear", 1, Init.zeros()).reshape(batchSize);
    return new Network(x, y, logit, Losses.binaryCrossEntropy(logit, y.cast(DType.F32)));
  }

  @Override
  public Hyperparameters defaults() {
    return new Hyperparameters(20, 32, "momentum", 0.1, 0.9);
  }
}
