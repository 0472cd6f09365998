package dev.bytegrad.runtime.data;

import dev.bytegrad.runtime.Tensor;

/**
 * Per-feature standardization to zero mean and unit variance, fitted on one data set (the training
 * set) and applied to others, so that no test statistics leak into training.
 *
 * <p>A feature that is constant in the fitted data keeps a scale of 1, so it maps to 0 rather than NaN.
 */
public final class Standardizer {
  private final double[] mean;
  private final double[] scale;

  private Standardizer(double[] mean, double[] scale) {
    this.mean = mean;
    this.scale = scale;
  }

  /** Fits means and standard deviations of each feature of {@code features} ([examples, features...]). */
  public static Standardizer fit(Tensor features) {
    int n = features.shape().dim(0);
    int width = features.size() / n;
    double[] mean = new double[width];
    double[] scale = new double[width];
    for (int i = 0; i < features.size(); i++) {
      mean[i % width] += features.getDouble(i) / n;
    }
    for (int i = 0; i < features.size(); i++) {
      double centered = features.getDouble(i) - mean[i % width];
      scale[i % width] += centered * centered / n;
    }
    for (int j = 0; j < width; j++) {
      scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
    }
    return new Standardizer(mean, scale);
  }

  /** A new tensor: {@code (features - mean) / std}, feature by feature. */
  public Tensor apply(Tensor features) {
    int width = mean.length;
    if (features.size() % width != 0 || features.size() / features.shape().dim(0) != width) {
      throw new IllegalArgumentException(
          "standardizer was fitted on " + width + " features, got " + features.shape());
    }
    Tensor result = features.copy();
    for (int i = 0; i < result.size(); i++) {
      result.setDouble(i, (features.getDouble(i) - mean[i % width]) / scale[i % width]);
    }
    return result;
  }
}
