package dev.bytegrad.runtime;

import java.util.Arrays;

/**
 * The GEMM that needs nothing but the JIT: used for f64 always, and for f32 when the Vector API is not
 * available.
 *
 * <p>Each row of C is built as a sum of rows of B scaled by elements of A ({@link #axpy}, the loop the
 * JIT vectorizes), over blocks of k small enough that the block of B stays in the L1 cache while every
 * row of C uses it; four rows of B go into a row of C in one pass ({@link #axpy4}). A transposed B is first packed row-major into a per-thread scratch array, which
 * grows once and is reused, so calls allocate nothing after the first. (A packed, register-tiled
 * kernel is the performance work still to come; this one is correct on every shape.)
 */
final class ScalarGemm implements GemmKernel {
  private static final int BLOCK_K = 16;
  private static final ThreadLocal<float[][]> FLOAT_SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});
  private static final ThreadLocal<double[][]> DOUBLE_SCRATCH = ThreadLocal.withInitial(() -> new double[][] {new double[0]});


  /** One: the plain-Java kernel runs on the calling thread. */
  @Override
  public int threads() {
    return 1;
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    for (int i = 0; i < m; i++) {
      Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0f);
    }
    if (transB) {
      b = packTransposed(b, bOffset, ldb, k, n);
      bOffset = 0;
      ldb = n;
    }
    int strideI = transA ? 1 : lda;
    int strideP = transA ? lda : 1;
    for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
      int p1 = Math.min(k, p0 + BLOCK_K);
      for (int i = 0; i < m; i++) {
        int aRow = aOffset + i * strideI;
        int cRow = cOffset + i * ldc;
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
          int row = bOffset + p * ldb;
          axpy4(a[aRow + p * strideP], a[aRow + (p + 1) * strideP], a[aRow + (p + 2) * strideP], a[aRow + (p + 3) * strideP],
              b, row, row + ldb, row + 2 * ldb, row + 3 * ldb, c, cRow, n);
        }
        for (; p < p1; p++) {
          axpy(a[aRow + p * strideP], b, bOffset + p * ldb, c, cRow, n);
        }
      }
    }
  }

  @Override
  public void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc) {
    for (int i = 0; i < m; i++) {
      Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0.0);
    }
    if (transB) {
      b = packTransposed(b, bOffset, ldb, k, n);
      bOffset = 0;
      ldb = n;
    }
    int strideI = transA ? 1 : lda;
    int strideP = transA ? lda : 1;
    for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
      int p1 = Math.min(k, p0 + BLOCK_K);
      for (int i = 0; i < m; i++) {
        int aRow = aOffset + i * strideI;
        int cRow = cOffset + i * ldc;
        for (int p = p0; p < p1; p++) {
          axpy(a[aRow + p * strideP], b, bOffset + p * ldb, c, cRow, n);
        }
      }
    }
  }

  /**
   * Four {@link #axpy} in one pass, in the same order ({@code c += a0 b0; c += a1 b1; …}, so the same
   * bits): each element of C is loaded and stored once for four rows of B, not four times.
   */
  private static void axpy4(float a0, float a1, float a2, float a3, float[] b, int b0, int b1, int b2, int b3,
      float[] c, int cOffset, int n) {
    for (int j = 0; j < n; j++) {
      float sum = c[cOffset + j];
      sum += a0 * b[b0 + j];
      sum += a1 * b[b1 + j];
      sum += a2 * b[b2 + j];
      sum += a3 * b[b3 + j];
      c[cOffset + j] = sum;
    }
  }

  /** {@code c[cOffset + j] += alpha * b[bOffset + j]} for {@code j < n}. */
  private static void axpy(float alpha, float[] b, int bOffset, float[] c, int cOffset, int n) {
    for (int j = 0; j < n; j++) {
      c[cOffset + j] += alpha * b[bOffset + j];
    }
  }

  private static void axpy(double alpha, double[] b, int bOffset, double[] c, int cOffset, int n) {
    for (int j = 0; j < n; j++) {
      c[cOffset + j] += alpha * b[bOffset + j];
    }
  }

  /** B stored as {@code [n x k]} with leading dimension {@code ldb}, copied to row-major {@code [k x n]}. */
  static float[] packTransposed(float[] b, int bOffset, int ldb, int k, int n) {
    float[][] holder = FLOAT_SCRATCH.get();
    if (holder[0].length < k * n) {
      holder[0] = new float[k * n];
    }
    float[] packed = holder[0];
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        packed[p * n + j] = b[bOffset + j * ldb + p];
      }
    }
    return packed;
  }

  private static double[] packTransposed(double[] b, int bOffset, int ldb, int k, int n) {
    double[][] holder = DOUBLE_SCRATCH.get();
    if (holder[0].length < k * n) {
      holder[0] = new double[k * n];
    }
    double[] packed = holder[0];
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        packed[p * n + j] = b[bOffset + j * ldb + p];
      }
    }
    return packed;
  }
}
