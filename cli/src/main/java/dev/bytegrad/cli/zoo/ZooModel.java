package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import java.util.Map;

/**
 * A model of the zoo: its graph as a function of the batch size and the data's dimensions (shapes are
 * static, so a smaller last batch is another graph over the same named parameters), the data it trains
 * on by default, and its default hyperparameters.
 */
public interface ZooModel {
  /** The graph of one batch: where features and targets are fed, the model's output, and the loss. */
  record Network(Node features, Node targets, Node output, Node loss) {}

  /** Training defaults that reach the model's bar on its default data; {@code schedule} as {@code --schedule} takes it. */
  record Hyperparameters(int epochs, int batchSize, String optimizer, double learningRate, double momentum, String schedule) {
    /** Defaults with a constant learning rate. */
    public Hyperparameters(int epochs, int batchSize, String optimizer, double learningRate, double momentum) {
      this(epochs, batchSize, optimizer, learningRate, momentum, "constant");
    }
  }

  /** The name on the command line: {@code linreg}, {@code mlp}. */
  String name();

  /** One line for {@code --help}. */
  String description();

  /** Whether the model classifies (scored by accuracy) rather than regresses (scored by mean squared error). */
  boolean isClassifier();

  /** The {@code --data} it trains on when none is named. */
  default String defaultData() {
    return isClassifier() ? "digits" : "diabetes";
  }

  /** The data as this model trains on it; fails, saying why, when the model cannot use them. */
  default Data prepare(Data data) {
    if (isClassifier() != data.classes() > 0) {
      throw new IllegalArgumentException(String.format("%s is a %s model but %s is a %s data set", name(),
          isClassifier() ? "classification" : "regression", data.spec(), data.classes() > 0 ? "classification" : "regression"));
    }
    return data;
  }

  /** Declares the model for batches of {@code batchSize} examples of data shaped {@code dims} in {@code graph}. */
  Network build(Graph graph, int batchSize, Data.Dims dims);

  Hyperparameters defaults();

  /** The model's own settings beyond its name ({@code hidden} for the MLP), as checkpoint metadata. */
  default Map<String, String> settings() {
    return Map.of();
  }

  /** Metrics of a reference solution on the same data (the closed form of linear regression), if any. */
  default Map<String, Double> referenceMetrics(Data data) {
    return Map.of();
  }
}
