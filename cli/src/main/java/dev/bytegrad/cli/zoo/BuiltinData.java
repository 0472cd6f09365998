package dev.bytegrad.cli.zoo;

import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Csv;
import dev.bytegrad.runtime.data.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The small data sets shipped in this module's resources ({@code dev/bytegrad/cli/data/README.md} names
 * their sources and licenses): scikit-learn's copy of the UCI 8x8 digits and the diabetes data.
 */
public final class BuiltinData {
  private static final String ROOT = "/dev/bytegrad/cli/data/";

  private BuiltinData() {}

  /** 1,797 digits: f32 features [n, 64] with pixel values 0..16, i32 labels [n] in 0..9. */
  public static Dataset digits() {
    double[][] rows = read("digits.csv.gz");
    int n = rows.length;
    int width = rows[0].length - 1;
    float[] x = new float[n * width];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        x[i * width + j] = (float) rows[i][j];
      }
      y[i] = (int) rows[i][width];
      if (y[i] != rows[i][width] || y[i] < 0 || y[i] > 9) {
        throw new IllegalStateException("digits.csv.gz row " + (i + 1) + ": label " + rows[i][width] + " is not a digit");
      }
    }
    return new Dataset(Tensor.ofFloats(Shape.of(n, width), x), Tensor.ofInts(Shape.of(n), y));
  }

  /** 442 diabetes patients: f32 features [n, 10] (unscaled), f32 targets [n] (disease progression). */
  public static Dataset diabetes() {
    double[][] features = read("diabetes_data_raw.csv.gz");
    double[][] targets = read("diabetes_target.csv.gz");
    if (features.length != targets.length || targets[0].length != 1) {
      throw new IllegalStateException("diabetes data: " + features.length + " feature rows but "
          + targets.length + " targets of " + targets[0].length + " columns");
    }
    int n = features.length;
    int width = features[0].length;
    float[] x = new float[n * width];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        x[i * width + j] = (float) features[i][j];
      }
      y[i] = (float) targets[i][0];
    }
    return new Dataset(Tensor.ofFloats(Shape.of(n, width), x), Tensor.ofFloats(Shape.of(n), y));
  }

  private static double[][] read(String file) {
    try (InputStream in = BuiltinData.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        throw new IllegalStateException("built-in data set " + file + " is missing from the classpath (" + ROOT + ")");
      }
      return Csv.read(in, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in data set " + file, e);
    }
  }
}
