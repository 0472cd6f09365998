package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.data.Dataset;

/** Binary logistic regression: digit 0 against digit 1, binary cross-entropy from logits. */
final class LogisticRegression implements ZooModel {
  @Override
  public String name() {
    return "logreg";
  }

  @Override
  public String description() {
    return "logistic regression telling handwritten 0s from 1s";
  }

  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public Dataset.Split data(long seed) {
    return Digits.split(BuiltinData.digits().filterLabels(label -> label <= 1), seed);
  }

  @Override
  public Network build(Graph graph, int batchSize) {
    Node x = graph.input("x", batchSize, 64);
    Node y = graph.input("y", DType.I32, batchSize);
    Node logit = Layers.dense(x, "linear", 1, Init.zeros()).reshape(batchSize);
    return new Network(x, y, logit, Losses.binaryCrossEntropy(logit, y.cast(DType.F32)));
  }

  @Override
  public Hyperparameters defaults() {
    return new Hyperparameters(20, 32, 0.1, 0.9);
  }
}
