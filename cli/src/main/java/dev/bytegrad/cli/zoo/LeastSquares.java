package dev.bytegrad.cli.zoo;

/**
 * Ordinary least squares with an intercept, solved in closed form through the normal equations
 * {@code (A^T A) w = A^T y}, {@code A = [X, 1]}, by Gaussian elimination with partial pivoting in f64.
 * The reference that linear regression trained by gradient descent is measured against.
 */
public final class LeastSquares {
  private LeastSquares() {}

  /** Weights for each of the {@code x[0].length} features, then the intercept. */
  public static double[] fit(double[][] x, double[] y) {
    int width = x[0].length + 1;
    double[][] system = new double[width][width + 1];
    for (int i = 0; i < x.length; i++) {
      for (int r = 0; r < width; r++) {
        double ar = r < width - 1 ? x[i][r] : 1;
        for (int c = 0; c < width; c++) {
          system[r][c] += ar * (c < width - 1 ? x[i][c] : 1);
        }
        system[r][width] += ar * y[i];
      }
    }
    return solve(system);
  }

  private static double[] solve(double[][] system) {
    int n = system.length;
    for (int column = 0; column < n; column++) {
      int pivot = column;
      for (int row = column + 1; row < n; row++) {
        if (Math.abs(system[row][column]) > Math.abs(system[pivot][column])) {
          pivot = row;
        }
      }
      if (Math.abs(system[pivot][column]) < 1e-12) {
        throw new IllegalArgumentException("the normal equations are singular: features are linearly dependent");
      }
      double[] swap = system[column];
      system[column] = system[pivot];
      system[pivot] = swap;
      for (int row = column + 1; row < n; row++) {
        double factor = system[row][column] / system[column][column];
        for (int c = column; c <= n; c++) {
          system[row][c] -= factor * system[column][c];
        }
      }
    }
    double[] solution = new double[n];
    for (int row = n - 1; row >= 0; row--) {
      double sum = system[row][n];
      for (int c = row + 1; c < n; c++) {
        sum -= system[row][c] * solution[c];
      }
      solution[row] = sum / system[row][row];
    }
    return solution;
  }

  /** The prediction {@code x . w + intercept} for one example. */
  public static double predict(double[] weights, double[] example) {
    double sum = weights[weights.length - 1];
    for (int j = 0; j < example.length; j++) {
      sum += weights[j] * example[j];
    }
    return sum;
  }
}
