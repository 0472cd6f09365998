package dev.bytegrad.runtime;

/**
 * General matrix multiply, {@code C = op(A) op(B)}, on row-major arrays with offsets and leading
 * dimensions, where {@code op(X)} is X or its transpose. Generated code calls it for every matrix
 * product; a transpose feeding a product becomes a flag here, never a copy.
 *
 * <p>The loops are ordered so the innermost one runs along contiguous rows of B and C, which the JIT
 * vectorizes; blocking over k keeps a panel of B in cache. (A packed, register-tiled kernel is the
 * performance issue's work; this one is correct on every shape and reasonably fast.)
 */
public final class Gemm {
  private static final int BLOCK_K = 128;

  private Gemm() {}

  /**
   * {@code C[m x n] = op(A)[m x k] * op(B)[k x n]} in f32. A is read as {@code a[aOffset + i*lda + p]}
   * (or {@code a[aOffset + p*lda + i]} when {@code transA}); likewise B; C is written at
   * {@code c[cOffset + i*ldc + j]}, overwriting what was there.
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    for (int i = 0; i < m; i++) {
      int row = cOffset + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = 0;
      }
    }
    for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
      int p1 = Math.min(k, p0 + BLOCK_K);
      for (int i = 0; i < m; i++) {
        int row = cOffset + i * ldc;
        for (int p = p0; p < p1; p++) {
          float aip = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
          if (transB) {
            int column = bOffset + p;
            for (int j = 0; j < n; j++) {
              c[row + j] += aip * b[column + j * ldb];
            }
          } else {
            int bRow = bOffset + p * ldb;
            for (int j = 0; j < n; j++) {
              c[row + j] += aip * b[bRow + j];
            }
          }
        }
      }
    }
  }

  /** {@link #sgemm} in f64. */
  public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc) {
    for (int i = 0; i < m; i++) {
      int row = cOffset + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = 0;
      }
    }
    for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
      int p1 = Math.min(k, p0 + BLOCK_K);
      for (int i = 0; i < m; i++) {
        int row = cOffset + i * ldc;
        for (int p = p0; p < p1; p++) {
          double aip = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
          if (transB) {
            int column = bOffset + p;
            for (int j = 0; j < n; j++) {
              c[row + j] += aip * b[column + j * ldb];
            }
          } else {
            int bRow = bOffset + p * ldb;
            for (int j = 0; j < n; j++) {
              c[row + j] += aip * b[bRow + j];
            }
          }
        }
      }
    }
  }
}
