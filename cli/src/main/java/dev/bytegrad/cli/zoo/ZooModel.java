package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.data.Dataset;
import java.util.Map;

/**
 * A model of the zoo: its data, its graph as a function of the batch size (shapes are static, so a
 * smaller last batch is another graph over the same named parameters), and its default hyperparameters.
 */
public interface ZooModel {
  /** The graph of one batch: where features and targets are fed, the model's output, and the loss. */
  record Network(Node features, Node targets, Node output, Node loss) {}

  /** Training defaults that reach the model's bar on its data. */
  record Hyperparameters(int epochs, int batchSize, double learningRate, double momentum) {}

  /** The name on the command line: {@code linreg}, {@code mlp}. */
  String name();

  /** One line for {@code --help}. */
  String description();

  /** Whether the model is scored by accuracy (classifiers) or by mean squared error. */
  boolean isClassifier();

  /** The training and test sets, ready to feed: loaded, split with {@code seed}, normalized. */
  Dataset.Split data(long seed);

  /** Declares the model for batches of {@code batchSize} examples in {@code graph}. */
  Network build(Graph graph, int batchSize);

  Hyperparameters defaults();

  /** Metrics of a reference solution on the same split (the closed form of linear regression), if any. */
  default Map<String, Double> referenceMetrics(Dataset.Split split) {
    return Map.of();
  }
}
