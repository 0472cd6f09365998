package dev.bytegrad.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The array functions, vectorized and scalar, against Math in double precision, tails and offsets included. */
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
