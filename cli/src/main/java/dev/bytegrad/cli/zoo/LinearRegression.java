package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.Tensor;
import java.util.Map;

/** Linear regression (the diabetes data by default, standardized features), MSE loss. */
final class LinearRegression implements ZooModel {
  @Override
  public String name() {
    return "linreg";
  }

  @Override
  public String description() {
    return "linear regression, compared with the closed-form least-squares fit";
  }

  @Override
  public boolean isClassifier() {
    return false;
  }

  @Override
  public Network build(Graph graph, int batchSize, Data.Dims dims) {
    Node x = graph.input("x", batchSize, dims.features());
    Node y = graph.input("y", batchSize);
    Node prediction = Layers.dense(x, "linear", 1, Init.zeros()).reshape(batchSize);
    return new Network(x, y, prediction, Losses.mse(prediction, y));
  }

  @Override
  public Hyperparameters defaults() {
    return new Hyperparameters(200, 32, "momentum", 0.002, 0.9);
  }

  @Override
  public Map<String, Double> referenceMetrics(Data split) {
    double[] weights = LeastSquares.fit(rows(split.train().features()), split.train().targets().toDoubleArray());
    double[][] test = rows(split.test().features());
    double[] targets = split.test().targets().toDoubleArray();
    double sum = 0;
    for (int i = 0; i < test.length; i++) {
      double error = LeastSquares.predict(weights, test[i]) - targets[i];
      sum += error * error;
    }
    return Map.of("closed_form_test_mse", sum / test.length);
  }

  private static double[][] rows(Tensor features) {
    int n = features.shape().dim(0);
    int width = features.size() / n;
    double[][] rows = new double[n][width];
    for (int i = 0; i < features.size(); i++) {
      rows[i / width][i % width] = features.getDouble(i);
    }
    return rows;
  }
}
