package dev.bytegrad.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The array functions, vectorized and scalar, against Math in double precision, tails and offsets included,
 * and against each other bit for bit.
 */
class VectorsTest {
  @Test
  void arrayFunctions_agreeWithMath_withinTwoUlps_atOffsetsAndOddLengths() {
    SplittableRandom random = new SplittableRandom(1);
    int n = 1037;
    float[] src = new float[n + 5];
    for (int i = 0; i < src.length; i++) {
      src[i] = (float) (random.nextGaussian() * 6);
    }
    src[7] = 0;
    src[8] = 1e-6f;
    src[9] = -80;
    src[10] = 40;
    for (Vectors.Functions functions : new Vectors.Functions[] {new VectorFunctions(), new Vectors.ScalarFunctions()}) {
      float[] exp = new float[n + 3];
      float[] tanh = new float[n + 3];
      float[] sigmoid = new float[n + 3];
      functions.exp(src, 5, exp, 3, n);
      functions.tanh(src, 5, tanh, 3, n);
      functions.sigmoid(src, 5, sigmoid, 3, n);
      for (int i = 0; i < n; i++) {
        double x = src[5 + i];
        close(exp[3 + i], Math.exp(x), functions + " exp(" + x + ")");
        close(tanh[3 + i], Math.tanh(x), functions + " tanh(" + x + ")");
        close(sigmoid[3 + i], 1 / (1 + Math.exp(-x)), functions + " sigmoid(" + x + ")");
      }
      assertThat(exp[0]).isZero();
      assertThat(tanh[2]).isZero();
    }
  }

  @Test
  void arrayFunctions_followMathAtTheEdges() {
    // Float.equals below: NaN equals NaN, -0 does not equal 0
    float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 88.73f, -95f, -104.5f, 10.5f,
        -1e-30f};
    float[] src = new float[16 + x.length]; // the vector loop covers x, the scalar tail the rest
    System.arraycopy(x, 0, src, 0, x.length);
    for (Vectors.Functions functions : new Vectors.Functions[] {new VectorFunctions(), new Vectors.ScalarFunctions()}) {
      float[] exp = new float[src.length];
      float[] tanh = new float[src.length];
      functions.exp(src, 0, exp, 0, src.length);
      functions.tanh(src, 0, tanh, 0, src.length);
      for (int i = 0; i < src.length; i++) {
        // Math.exp's subnormals (of -95, say) are zero here: see subnormalResults_areZero
        float math = (float) Math.exp(src[i]);
        assertThat(exp[i]).as(functions + " exp(" + src[i] + ")").isEqualTo(Float.valueOf(Math.abs(math) < Float.MIN_NORMAL ? 0f : math));
        assertThat(tanh[i]).as(functions + " tanh(" + src[i] + ")").isEqualTo(Float.valueOf((float) Math.tanh(src[i])));
      }
    }
  }

  @Test
  void subnormalResults_areZero_andNormalOnesFollowMath() {
    // the processor takes ~100 cycles over each subnormal on Intel, where native code flushes them to zero
    int n = 4096;
    float[] src = new float[n];
    for (int i = 0; i < n; i++) {
      src[i] = -120f + 240f * i / n;
    }
    src[0] = FloatFunctions.EXP_LOWEST;
    src[1] = Math.nextDown(FloatFunctions.EXP_LOWEST);
    src[2] = -FloatFunctions.EXP_LOWEST;
    src[3] = Math.nextUp(-FloatFunctions.EXP_LOWEST);
    for (Vectors.Functions functions : new Vectors.Functions[] {new VectorFunctions(), new Vectors.ScalarFunctions()}) {
      float[] exp = new float[n];
      float[] sigmoid = new float[n];
      functions.exp(src, 0, exp, 0, n);
      functions.sigmoid(src, 0, sigmoid, 0, n);
      for (int i = 0; i < n; i++) {
        double x = src[i];
        for (float[] result : new float[][] {exp, sigmoid}) {
          double math = result == exp ? Math.exp(x) : 1 / (1 + Math.exp(-x));
          String what = functions + (result == exp ? " exp(" : " sigmoid(") + x + ")";
          if (Float.isInfinite((float) math)) {
            assertThat(result[i]).as(what).isEqualTo(Float.POSITIVE_INFINITY);
          } else if ((float) math >= 1.0001f * Float.MIN_NORMAL) {
            close(result[i], math, what);
          } else if ((float) math < 0.9999f * Float.MIN_NORMAL) {
            assertThat(result[i]).as(what).isZero();
          } else {
            assertThat(result[i] == 0f || result[i] >= Float.MIN_NORMAL).as(what + " = " + result[i]).isTrue();
          }
        }
      }
      assertThat(exp[0]).as("exp of the lowest input").isGreaterThanOrEqualTo(Float.MIN_NORMAL);
      assertThat(exp[1]).as("exp just below it").isZero();
    }
  }

  @Test
  void vectorizedFunctions_giveTheScalarBits_beforeAndAfterTheJitCompilesThem() {
    // The Vector API's own EXP and TANH differ in the last bit once compiled (to Intel's SVML) from what
    // they give interpreted (Math per lane), for about one element in six: training then depended on
    // when the JIT got to the loop. The functions here are the scalar ones lane by lane.
    SplittableRandom random = new SplittableRandom(3);
    int n = 4096 + 5;
    float[] src = new float[n];
    for (int i = 0; i < n; i++) {
      src[i] = (float) (random.nextGaussian() * 8);
    }
    Vectors.Functions scalar = new Vectors.ScalarFunctions();
    float[][] expected = {new float[n], new float[n], new float[n]};
    scalar.exp(src, 0, expected[0], 0, n);
    scalar.tanh(src, 0, expected[1], 0, n);
    scalar.sigmoid(src, 0, expected[2], 0, n);
    VectorFunctions vector = new VectorFunctions();
    float[][] actual = {new float[n], new float[n], new float[n]};
    for (int call = 0; call < 20_001; call++) {
      vector.exp(src, 0, actual[0], 0, n);
      vector.tanh(src, 0, actual[1], 0, n);
      vector.sigmoid(src, 0, actual[2], 0, n);
      if (call == 0 || call == 20_000) {
        for (int f = 0; f < 3; f++) {
          String name = new String[] {"exp", "tanh", "sigmoid"}[f];
          assertThat(actual[f]).as("%s at call %d", name, call).isEqualTo(expected[f]);
        }
      }
    }
  }

  @Test
  void vectorizedFunctions_allocateNothing_onceCompiled() {
    // a Vector API operation the JIT cannot compile to SIMD runs a fallback that allocates per vector
    VectorFunctions functions = new VectorFunctions();
    float[] src = new float[4096];
    float[] dst = new float[4096];
    for (int i = 0; i < src.length; i++) {
      src[i] = (i % 97) / 10f - 4;
    }
    for (int i = 0; i < 20_000; i++) {
      functions.exp(src, 0, dst, 0, 4096);
      functions.tanh(src, 0, dst, 0, 4096);
      functions.sigmoid(src, 0, dst, 0, 4096);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    for (int i = 0; i < 1_000; i++) {
      functions.exp(src, 0, dst, 0, 4096);
      functions.tanh(src, 0, dst, 0, 4096);
      functions.sigmoid(src, 0, dst, 0, 4096);
    }
    assertThat(threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before).as("bytes allocated by 3,000 calls").isZero();
  }

  private static void close(float actual, double expected, String what) {
    float want = (float) expected;
    assertThat(Math.abs(actual - want)).as(what + ": " + actual + " vs " + want).isLessThanOrEqualTo(2 * Math.ulp(want) + 1e-30f);
  }
}
