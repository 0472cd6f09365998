package dev.bytegrad.cli.zoo;

import dev.bytegrad.runtime.Tensor;

/** Scores of a model's outputs against targets. */
public final class Metrics {
  private Metrics() {}

  /**
   * The fraction of examples classified right: for outputs {@code [n, classes]} the arg-max class, for
   * outputs {@code [n]} (one logit of a binary classifier) class 1 where the logit is positive.
   */
  public static double accuracy(Tensor outputs, Tensor labels) {
    int n = labels.size();
    int classes = outputs.size() / n;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int predicted;
      if (classes == 1) {
        predicted = outputs.getDouble(i) > 0 ? 1 : 0;
      } else {
        predicted = 0;
        for (int c = 1; c < classes; c++) {
          if (outputs.getDouble(i * classes + c) > outputs.getDouble(i * classes + predicted)) {
            predicted = c;
          }
        }
      }
      correct += predicted == labels.ints()[i] ? 1 : 0;
    }
    return (double) correct / n;
  }

  /** {@code mean((prediction - target)^2)} in f64. */
  public static double meanSquaredError(Tensor predictions, Tensor targets) {
    double sum = 0;
    for (int i = 0; i < targets.size(); i++) {
      double error = predictions.getDouble(i) - targets.getDouble(i);
      sum += error * error;
    }
    return sum / targets.size();
  }
}
