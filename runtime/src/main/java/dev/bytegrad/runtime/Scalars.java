package dev.bytegrad.runtime;

/**
 * Scalar functions generated code calls where {@link Math}'s own is slow. {@code Math.tanh} is not an
 * intrinsic of the JVM and takes about 45 ns; {@link #tanh} computes it from {@code Math.exp}, which is,
 * in about 10 ns — the difference between an LSTM step spending most of its time in its gates or not.
 */
public final class Scalars {
  private Scalars() {}

  /**
   * The hyperbolic tangent, within 2 ulp of {@code Math.tanh} in double precision (so exactly it, once
   * rounded to float, almost always): {@code sign(x) (1 - e) / (1 + e)} with {@code e = exp(-2|x|)},
   * and near 0, where {@code 1 - e} would cancel, its Taylor series to the x^9 term.
   */
  public static double tanh(double x) {
    double a = Math.abs(x);
    if (a < 0.01) {
      double x2 = x * x;
      return x * (1 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315 + x2 * (62.0 / 2835)))));
    }
    double e = Math.exp(-2 * a);
    return Math.copySign((1 - e) / (1 + e), x);
  }
}
