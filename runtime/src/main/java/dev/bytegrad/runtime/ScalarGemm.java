package dev.bytegrad.runtime;

import java.util.Arrays;

/**
 * The GEMM that needs nothing but the JIT: used for f64 always, and for f32 when the Vector API is not
 * available.
 *
 * <p>Each row of C is built as a sum of rows of B scaled by elements of A, four rows of B in one pass
 * ({@link #axpy4}), over blocks of k small enough that the block of B stays in the L1 cache while every
 * row of C uses it. In f32 the loop works on copies: C in blocks of {@value #ROWS} rows by
 * {@value #COLUMNS} columns and B in blocks of {@value #BLOCK_K} rows by as many columns, each row its own
 * array, so every array in the loop is read at the same index {@code j}. That is the loop the JIT
 * vectorizes: JDK 17's C2 left the same loop over one array at {@code b[b0 + j]}, {@code b[b1 + j]}, ...,
 * {@code c[cOffset + j]} scalar (5 GFLOP/s on 1024 x 1024 x 1024, against 19-25 with the copies; EJML
 * 3.7, this machine). A product of fewer than {@value #NARROW} columns, whose loop would be that short,
 * is computed transposed ({@code C^T = op(B)^T op(A)^T}, m wide) into a scratch array. Each element of C
 * is still summed in k order, so the bits are those of the loop without copies. The scratch arrays are per thread, allocated once, so calls allocate nothing after
 * the first.
 */
final class ScalarGemm implements GemmKernel {
  private static final int BLOCK_K = 16;
  /** Rows of a block of C: with {@link #COLUMNS}, 128 KiB of copies. */
  private static final int ROWS = 64;
  /** Columns of a block of C and of B: a row of the block of B is 2 KiB, the block 32 KiB. */
  private static final int COLUMNS = 512;
  /** Fewer columns than this, and more rows, are computed transposed. */
  private static final int NARROW = 32;
  /** Each thread's copies: a block of C, row by row, then a block of B, row by row. */
  private static final ThreadLocal<float[][][]> BLOCKS = ThreadLocal.withInitial(
      () -> new float[][][] {new float[ROWS][COLUMNS], new float[BLOCK_K][COLUMNS]});
  /** Each thread's C^T for a product of few columns. */
  private static final ThreadLocal<float[][]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[][] {new float[0]});
  private static final ThreadLocal<double[][]> DOUBLE_SCRATCH = ThreadLocal.withInitial(() -> new double[][] {new double[0]});


  /** One: the plain-Java kernel runs on the calling thread. */
  @Override
  public int threads() {
    return 1;
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    if (n < NARROW && m > n) {
      // few columns (a softmax's ten classes) make short loops: compute C^T = op(B)^T op(A)^T, m wide, and
      // transpose it; each element is the same sum
      float[][] holder = TRANSPOSED.get();
      if (holder[0].length < m * n) {
        holder[0] = new float[m * n];
      }
      float[] transposed = holder[0];
      product(!transB, !transA, n, m, k, b, bOffset, ldb, a, aOffset, lda, transposed, 0, m);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          c[cOffset + i * ldc + j] = transposed[j * m + i];
        }
      }
      return;
    }
    product(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  private static void product(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    float[][][] blocks = BLOCKS.get();
    float[][] cBlock = blocks[0];
    float[][] bBlock = blocks[1];
    int strideI = transA ? 1 : lda;
    int strideP = transA ? lda : 1;
    for (int j0 = 0; j0 < n; j0 += COLUMNS) {
      int width = Math.min(COLUMNS, n - j0);
      for (int i0 = 0; i0 < m; i0 += ROWS) {
        int rows = Math.min(ROWS, m - i0);
        for (int r = 0; r < rows; r++) {
          Arrays.fill(cBlock[r], 0, width, 0f);
        }
        for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
          int p1 = Math.min(k, p0 + BLOCK_K);
          for (int p = p0; p < p1; p++) {
            float[] row = bBlock[p - p0];
            if (transB) {
              for (int j = 0; j < width; j++) {
                row[j] = b[bOffset + (j0 + j) * ldb + p];
              }
            } else {
              System.arraycopy(b, bOffset + p * ldb + j0, row, 0, width);
            }
          }
          for (int r = 0; r < rows; r++) {
            int aRow = aOffset + (i0 + r) * strideI;
            float[] cRow = cBlock[r];
            int p = p0;
            for (; p + 4 <= p1; p += 4) {
              int q = p - p0;
              axpy4(a[aRow + p * strideP], a[aRow + (p + 1) * strideP], a[aRow + (p + 2) * strideP], a[aRow + (p + 3) * strideP],
                  bBlock[q], bBlock[q + 1], bBlock[q + 2], bBlock[q + 3], cRow, width);
            }
            for (; p < p1; p++) {
              axpy(a[aRow + p * strideP], bBlock[p - p0], cRow, width);
            }
          }
        }
        for (int r = 0; r < rows; r++) {
          System.arraycopy(cBlock[r], 0, c, cOffset + (i0 + r) * ldc + j0, width);
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
  private static void axpy4(float a0, float a1, float a2, float a3, float[] b0, float[] b1, float[] b2, float[] b3,
      float[] c, int n) {
    for (int j = 0; j < n; j++) {
      float sum = c[j];
      sum += a0 * b0[j];
      sum += a1 * b1[j];
      sum += a2 * b2[j];
      sum += a3 * b3[j];
      c[j] = sum;
    }
  }

  /** {@code c[j] += alpha * b[j]} for {@code j < n}. */
  private static void axpy(float alpha, float[] b, float[] c, int n) {
    for (int j = 0; j < n; j++) {
      c[j] += alpha * b[j];
    }
  }

  private static void axpy(double alpha, double[] b, int bOffset, double[] c, int cOffset, int n) {
    for (int j = 0; j < n; j++) {
      c[cOffset + j] += alpha * b[bOffset + j];
    }
  }

  /** B stored as {@code [n x k]} with leading dimension {@code ldb}, copied to row-major {@code [k x n]}. */
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
