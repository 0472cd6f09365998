package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import java.util.Map;

/** A multilayer perceptron with one ReLU hidden layer (He-initialized) of {@code hidden} units. */
record Mlp(int hidden) implements ZooModel {
  /** The hidden width when none is asked. */
  static final int DEFAULT_HIDDEN = 64;

  Mlp {
    if (hidden < 1) {
      throw new IllegalArgumentException("the hidden layer needs at least 1 unit, got " + hidden);
    }
  }

  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public String description() {
    return "multilayer perceptron with " + hidden + " ReLU hidden units (--hidden)";
  }

  @Override
  public Network build(Graph graph, int batchSize, Data.Dims dims) {
    Node x = graph.input("x", batchSize, dims.features());
    Node y = graph.input("y", DType.I32, batchSize);
    Node activations = Layers.dense(x, "hidden", hidden, Init.heNormal()).relu();
    Node logits = Layers.dense(activations, "output", dims.classes(), Init.glorotUniform());
    return new Network(x, y, logits, Losses.crossEntropy(logits, y));
  }

  @Override
  public Map<String, String> settings() {
    return Map.of("hidden", Integer.toString(hidden));
  }

  @Override
  public Hyperparameters defaults() {
    return new Hyperparameters(30, 32, "momentum", 0.05, 0.9);
  }
}
