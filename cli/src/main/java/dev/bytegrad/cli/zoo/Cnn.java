package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GraphBuildException;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Convolutions;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import java.util.List;

/**
 * Convolutional networks over square single-channel images (the digits' 8x8, Fashion-MNIST's 28x28),
 * fed flat and reshaped to {@code [N, 1, side, side]}:
 * <ul>
 *   <li>{@code cnn}, small enough for the digits: conv 3x3 1→16 and 16→32 (padding 1, ReLU), max-pool 2,
 *       dense →64 ReLU, dense;
 *   <li>{@code lenet}: conv 5x5 1→20, max-pool 2, conv 5x5 20→50, max-pool 2, dense →500 ReLU, dense.
 * </ul>
 */
record Cnn(String name, boolean lenet) implements ZooModel {
  static Cnn small() {
    return new Cnn("cnn", false);
  }

  static Cnn leNet() {
    return new Cnn("lenet", true);
  }

  @Override
  public String description() {
    return lenet ? "LeNet: conv 5x5 1-20, max-pool 2, conv 5x5 20-50, max-pool 2, dense 500 ReLU, dense"
        : "small CNN: conv 3x3 1-16 and 16-32, ReLU, max-pool 2, dense 64 ReLU, dense";
  }

  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public String defaultData() {
    return lenet ? "fashion-mnist" : "digits";
  }

  @Override
  public Network build(Graph graph, int batchSize, Data.Dims dims) {
    Node x = graph.input("x", batchSize, dims.features());
    Node y = graph.input("y", DType.I32, batchSize);
    int side = (int) Math.round(Math.sqrt(dims.features()));
    if (side * side != dims.features()) {
      throw new GraphBuildException(name, List.of(x.type()), "needs square single-channel images, but an example has "
          + dims.features() + " features", dev.bytegrad.graph.CallSite.capture());
    }
    Node images = x.reshape(batchSize, 1, side, side);
    Node features;
    if (lenet) {
      Node conv1 = Convolutions.maxPool2d(Layers.conv2d(images, "conv1", 20, 5, 1, 0, Init.heNormal()), 2, 2, 0);
      Node conv2 = Convolutions.maxPool2d(Layers.conv2d(conv1, "conv2", 50, 5, 1, 0, Init.heNormal()), 2, 2, 0);
      features = Layers.dense(Convolutions.flatten(conv2), "dense", 500, Init.heNormal()).relu();
    } else {
      Node conv1 = Layers.conv2d(images, "conv1", 16, 3, 1, 1, Init.heNormal()).relu();
      Node conv2 = Convolutions.maxPool2d(Layers.conv2d(conv1, "conv2", 32, 3, 1, 1, Init.heNormal()).relu(), 2, 2, 0);
      features = Layers.dense(Convolutions.flatten(conv2), "dense", 64, Init.heNormal()).relu();
    }
    Node logits = Layers.dense(features, "output", dims.classes(), Init.glorotUniform());
    return new Network(x, y, logits, Losses.crossEntropy(logits, y));
  }

  @Override
  public Hyperparameters defaults() {
    return lenet ? new Hyperparameters(10, 64, "momentum", 0.01, 0.9, "cosine") : new Hyperparameters(15, 32, "adam", 0.002, 0);
  }
}
