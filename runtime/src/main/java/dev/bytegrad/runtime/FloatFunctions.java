package dev.bytegrad.runtime;

/**
 * {@code exp}, {@code tanh} and the logistic function in float arithmetic, for {@link Vectors}: each is
 * a fixed sequence of additions, multiplications, fused multiply-adds, divisions and bit operations, all
 * rounded exactly as IEEE 754 says, and {@link VectorFunctions} computes the same values in every lane
 * (where it takes a shorter way, to the same bits: {@code 2^n} in one factor where n cannot leave the
 * normal floats). So the scalar and the vector forms give the same bits, interpreted or compiled, on
 * any JDK.
 *
 * <p>They exist because the Vector API's own {@code EXP} and {@code TANH} do not: compiled by C2 they
 * call Intel's SVML, interpreted they call {@code Math.exp} per lane, and the two differ in the last bit
 * for about one element in six. A training run's parameters then depended on when the JIT got to the
 * loop, and a run resumed from a checkpoint ended with other bits than the run it continued.
 *
 * <p>The polynomials are Cephes' ({@code expf.c}, {@code tanhf.c}, S. L. Moshier): {@code exp} within one
 * ulp of the float nearest the true value, {@code tanh} and the logistic within two.
 */
final class FloatFunctions {
  /**
   * The smallest float whose {@code exp} here is a normal float: below it {@code exp} gives zero where
   * {@code Math.exp} would give a subnormal (or zero, from -103.97). Native libraries run with the
   * processor flushing subnormals to zero; the JVM cannot, and on Intel processors every operation with a
   * subnormal result takes a microcode assist of some 100 cycles. A softmax over logits 90 apart then took
   * 3.6 ns an element instead of 0.4 on a Xeon, and its subnormal probabilities slowed every product of
   * the backward pass that read them.
   */
  static final float EXP_LOWEST = -87.33654f;
  /** Inputs above this give infinity, like {@code Math.exp}. */
  static final float EXP_HIGHEST = 89f;
  /**
   * The largest {@code exp(-x)} whose logistic {@code 1 / (1 + e)} is a normal float (2^126, whose
   * logistic is 2^-126): beyond it the logistic is zero, for the same reason as {@link #EXP_LOWEST}.
   */
  static final float LOGISTIC_LARGEST_EXP = 0x1p126f;
  static final float LOG2E = 1.44269504088896341f;
  /**
   * 1.5 × 2^23: added to a float of magnitude below 2^22 it leaves the nearest integer in the low bits of
   * the sum (and subtracted again, that integer as a float).
   */
  static final float ROUNDING = 12582912f;
  static final int ROUNDING_BITS = 0x4B400000;
  /** ln 2 in two parts, the first with few enough bits that {@code n * LN2_HIGH} is exact. */
  static final float LN2_HIGH = 0.693359375f;
  static final float LN2_LOW = -2.12194440e-4f;
  static final float EXP_P0 = 1.9875691500e-4f;
  static final float EXP_P1 = 1.3981999507e-3f;
  static final float EXP_P2 = 8.3334519073e-3f;
  static final float EXP_P3 = 4.1665795894e-2f;
  static final float EXP_P4 = 1.6666665459e-1f;
  static final float EXP_P5 = 5.0000001201e-1f;

  /** Below this magnitude {@code tanh} is its odd polynomial; above, {@code 1 - 2 / (exp(2|x|) + 1)}. */
  static final float TANH_SMALL = 0.625f;
  /**
   * {@code tanh} of anything larger rounds to 1 (of 9 it does not: {@code 1 - 3.05e-8} rounds down), and
   * clamping there keeps {@code exp(2|x|)} finite.
   */
  static final float TANH_LARGEST = 10f;
  static final float TANH_P0 = -5.70498872745e-3f;
  static final float TANH_P1 = 2.06390887954e-2f;
  static final float TANH_P2 = -5.37397155531e-2f;
  static final float TANH_P3 = 1.33314422036e-1f;
  static final float TANH_P4 = -3.33332819422e-1f;

  private FloatFunctions() {}

  /**
   * {@code e^x}, or zero below {@link #EXP_LOWEST}: {@code x = n ln 2 + r} with {@code |r| <= ln 2 / 2},
   * a polynomial for {@code e^r}, then times {@code 2^n} in two halves (n reaches 128, and {@code 2^128}
   * is not a float).
   */
  static float exp(float x) {
    if (x < EXP_LOWEST) {
      return 0f;
    }
    x = Math.min(x, EXP_HIGHEST);
    float t = Math.fma(x, LOG2E, ROUNDING);
    float n = t - ROUNDING;
    float r = Math.fma(n, -LN2_HIGH, x);
    r = Math.fma(n, -LN2_LOW, r);
    float p = Math.fma(EXP_P0, r, EXP_P1);
    p = Math.fma(p, r, EXP_P2);
    p = Math.fma(p, r, EXP_P3);
    p = Math.fma(p, r, EXP_P4);
    p = Math.fma(p, r, EXP_P5);
    float y = Math.fma(p, r * r, r) + 1f;
    int whole = Float.floatToRawIntBits(t) - ROUNDING_BITS;
    int half = whole >> 1;
    return y * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((whole - half + 127) << 23);
  }

  /**
   * Computed for {@code |x|}, then negated where x has its sign bit set (so {@code tanh(-0) = -0}, like
   * {@code Math.tanh}).
   */
  static float tanh(float x) {
    float a = Math.abs(x);
    float t;
    if (a < TANH_SMALL) {
      float z = a * a;
      float p = Math.fma(TANH_P0, z, TANH_P1);
      p = Math.fma(p, z, TANH_P2);
      p = Math.fma(p, z, TANH_P3);
      p = Math.fma(p, z, TANH_P4);
      t = Math.fma(p * z, a, a);
    } else {
      t = 1f - 2f / (exp(2f * Math.min(a, TANH_LARGEST)) + 1f);
    }
    return Float.floatToRawIntBits(x) < 0 ? -t : t;
  }

  /** {@code 1 / (1 + e^-x)}, or zero where that would be subnormal ({@link #LOGISTIC_LARGEST_EXP}). */
  static float sigmoid(float x) {
    float e = exp(-x);
    return e > LOGISTIC_LARGEST_EXP ? 0f : 1f / (1f + e);
  }
}
