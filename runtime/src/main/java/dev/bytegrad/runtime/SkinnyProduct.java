package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A product with few columns, {@code C[m, n] = op(A)[m, k] op(B)[k, n]}, split by blocks of rows: either
 * {@code n <= }{@value #COLUMNS} with B not transposed, or a small C ({@link #isDotProduct}) over a long k
 * with A not transposed and B transposed (a convolution's kernel gradient: 20 by 25 outputs, each a sum
 * over 36,864 positions). Columns go {@value #GROUP} at a time: ten classes are two groups, no lane wasted
 * on padding; a last group past n repeats column n - 1 and stores nothing of it.
 * <ul>
 *   <li>A not transposed: rows of A are contiguous along k, so each element of C is a dot product
 *       vectorized along k (lanes summed at the end, the leftover k added in order), two rows at a time
 *       against a group of rows of B transposed — B's own rows when it is stored transposed, else a
 *       transposed copy of it.
 *   <li>A transposed: op(A)'s rows for one k are consecutive elements of A, so a block of two vectors of
 *       rows is loaded where it lies and multiplied by the group's elements of B's row k, broadcast; each
 *       element of C is summed in k order with fused multiply-adds, as the tiled kernel sums it. Nothing
 *       is packed.
 * </ul>
 * Each row of C is computed the same way whatever the blocks, so results do not depend on the threads.
 */
final class SkinnyProduct implements WorkerPool.Job {
  /**
   * Products with at most this many columns (a classifier's ten classes) and B not transposed take these
   * kernels: a 16-wide panel would waste most of its lanes, and packing a tile of A for a single panel
   * costs as much as the tile's arithmetic.
   */
  static final int COLUMNS = 16;
  private static final VectorSpecies<Float> SPECIES = VectorGemm.SPECIES;
  private static final int LANES = VectorGemm.LANES;
  /** Rows of C a block of the transposed kernel computes: two vectors. */
  private static final int BLOCK = 2 * LANES;
  /** The most elements of C a product of A by B transposed computes as dot products (see {@link #isDotProduct}). */
  static final int DOT_ELEMENTS = 1024;
  /** The fewest products each of those dot products sums. */
  static final int DOT_LENGTH = 1024;
  /** Columns of C computed at once: ten accumulators, two rows (or two vectors of rows) by five columns. */
  private static final int GROUP = 5;
  private float[] packed = new float[0];
  /** op(B)'s columns as rows, contiguous along k: B itself when transposed, else {@link #packed}. */
  private float[] bRows;
  private int bRowsOffset;
  private int bRowStride;
  private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[GROUP * BLOCK]);
  private boolean transA;
  private int m;
  private int n;
  private int k;
  private float[] a;
  private int aOffset;
  private int lda;
  private float[] b;
  private int bOffset;
  private int ldb;
  private float[] c;
  private int cOffset;
  private int ldc;

  /**
   * Whether a product with A not transposed and B transposed is small enough in C, and long enough in k,
   * for dot products: at most {@value #DOT_ELEMENTS} elements of C, each over at least
   * {@value #DOT_LENGTH} products. The tiled kernel would pack all of B for a panel or two, and a tile of
   * A for a single panel.
   */
  static boolean isDotProduct(boolean transA, boolean transB, int m, int n, int k) {
    return !transA && transB && (long) m * n <= DOT_ELEMENTS && k >= DOT_LENGTH;
  }

  void set(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
      float[] c, int cOffset, int ldc) {
    this.transA = transA;
    this.m = m;
    this.n = n;
    this.k = k;
    this.a = a;
    this.aOffset = aOffset;
    this.lda = lda;
    this.b = b;
    this.bOffset = bOffset;
    this.ldb = ldb;
    this.c = c;
    this.cOffset = cOffset;
    this.ldc = ldc;
    if (transA) {
      return; // B's rows are read where they are
    }
    if (transB) {
      bRows = b;
      bRowsOffset = bOffset;
      bRowStride = ldb;
      return;
    }
    if (packed.length < n * k) {
      packed = new float[n * k];
    }
    // B transposed: packed[j * k + p]
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        packed[j * k + p] = b[bOffset + p * ldb + j];
      }
    }
    bRows = packed;
    bRowsOffset = 0;
    bRowStride = k;
  }

  /** Blocks of rows the product can be split into. */
  int blocks() {
    return transA ? (m + BLOCK - 1) / BLOCK : (m + 1) / 2;
  }

  @Override
  public void run(int part, int parts) {
    int blocks = blocks();
    int size = transA ? BLOCK : 2;
    int first = (int) ((long) blocks * part / parts) * size;
    int last = Math.min(m, (int) ((long) blocks * (part + 1) / parts) * size);
    if (transA) {
      runTransposed(first, last);
    } else {
      runRows(first, last);
    }
  }

  private void runRows(int first, int last) {
    int bound = SPECIES.loopBound(k);
    float[] rows = bRows;
    for (int i = first; i < last; i += 2) {
      boolean pair = i + 1 < last;
      int row0 = aOffset + i * lda;
      int row1 = pair ? row0 + lda : row0;
      for (int j = 0; j < n; j += GROUP) {
        FloatVector s00 = FloatVector.zero(SPECIES);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s03 = s00;
        FloatVector s04 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s13 = s00;
        FloatVector s14 = s00;
        int w0 = bRow(j);
        int w1 = bRow(j + 1);
        int w2 = bRow(j + 2);
        int w3 = bRow(j + 3);
        int w4 = bRow(j + 4);
        for (int p = 0; p < bound; p += LANES) {
          FloatVector x0 = FloatVector.fromArray(SPECIES, a, row0 + p);
          FloatVector x1 = FloatVector.fromArray(SPECIES, a, row1 + p);
          FloatVector y = FloatVector.fromArray(SPECIES, rows, w0 + p);
          s00 = x0.fma(y, s00);
          s10 = x1.fma(y, s10);
          y = FloatVector.fromArray(SPECIES, rows, w1 + p);
          s01 = x0.fma(y, s01);
          s11 = x1.fma(y, s11);
          y = FloatVector.fromArray(SPECIES, rows, w2 + p);
          s02 = x0.fma(y, s02);
          s12 = x1.fma(y, s12);
          y = FloatVector.fromArray(SPECIES, rows, w3 + p);
          s03 = x0.fma(y, s03);
          s13 = x1.fma(y, s13);
          y = FloatVector.fromArray(SPECIES, rows, w4 + p);
          s04 = x0.fma(y, s04);
          s14 = x1.fma(y, s14);
        }
        // the lanes' sums here, where the accumulators live in registers: passed on, they would be boxed
        store(i, j, row0, bound, s00.reduceLanes(VectorOperators.ADD));
        store(i, j + 1, row0, bound, s01.reduceLanes(VectorOperators.ADD));
        store(i, j + 2, row0, bound, s02.reduceLanes(VectorOperators.ADD));
        store(i, j + 3, row0, bound, s03.reduceLanes(VectorOperators.ADD));
        store(i, j + 4, row0, bound, s04.reduceLanes(VectorOperators.ADD));
        if (pair) {
          store(i + 1, j, row1, bound, s10.reduceLanes(VectorOperators.ADD));
          store(i + 1, j + 1, row1, bound, s11.reduceLanes(VectorOperators.ADD));
          store(i + 1, j + 2, row1, bound, s12.reduceLanes(VectorOperators.ADD));
          store(i + 1, j + 3, row1, bound, s13.reduceLanes(VectorOperators.ADD));
          store(i + 1, j + 4, row1, bound, s14.reduceLanes(VectorOperators.ADD));
        }
      }
    }
  }

  /** Where column {@code j} of op(B) starts in {@link #bRows}: row {@code j} of B transposed, the last one past n. */
  private int bRow(int j) {
    return bRowsOffset + Math.min(j, n - 1) * bRowStride;
  }

  /** {@code C[i][j]}, if j is below n: the lanes' sum, then the leftover k in order. */
  private void store(int i, int j, int row, int bound, float lanes) {
    if (j >= n) {
      return;
    }
    float sum = lanes;
    int w = bRow(j);
    for (int p = bound; p < k; p++) {
      sum = Math.fma(a[row + p], bRows[w + p], sum);
    }
    c[cOffset + i * ldc + j] = sum;
  }

  private void runTransposed(int first, int last) {
    float[] tile = scratch.get();
    int i = first;
    for (; i + BLOCK <= last; i += BLOCK) {
      for (int j = 0; j < n; j += GROUP) {
        // column j + q of C for rows i..i+BLOCK-1: two vectors each; past n, column n - 1 again
        int j1 = Math.min(j + 1, n - 1);
        int j2 = Math.min(j + 2, n - 1);
        int j3 = Math.min(j + 3, n - 1);
        int j4 = Math.min(j + 4, n - 1);
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        for (int p = 0; p < k; p++) {
          int ap = aOffset + p * lda + i;
          FloatVector x0 = FloatVector.fromArray(SPECIES, a, ap);
          FloatVector x1 = FloatVector.fromArray(SPECIES, a, ap + LANES);
          int bp = bOffset + p * ldb;
          FloatVector y = FloatVector.broadcast(SPECIES, b[bp + j]);
          c00 = x0.fma(y, c00);
          c01 = x1.fma(y, c01);
          y = FloatVector.broadcast(SPECIES, b[bp + j1]);
          c10 = x0.fma(y, c10);
          c11 = x1.fma(y, c11);
          y = FloatVector.broadcast(SPECIES, b[bp + j2]);
          c20 = x0.fma(y, c20);
          c21 = x1.fma(y, c21);
          y = FloatVector.broadcast(SPECIES, b[bp + j3]);
          c30 = x0.fma(y, c30);
          c31 = x1.fma(y, c31);
          y = FloatVector.broadcast(SPECIES, b[bp + j4]);
          c40 = x0.fma(y, c40);
          c41 = x1.fma(y, c41);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, BLOCK);
        c11.intoArray(tile, BLOCK + LANES);
        c20.intoArray(tile, 2 * BLOCK);
        c21.intoArray(tile, 2 * BLOCK + LANES);
        c30.intoArray(tile, 3 * BLOCK);
        c31.intoArray(tile, 3 * BLOCK + LANES);
        c40.intoArray(tile, 4 * BLOCK);
        c41.intoArray(tile, 4 * BLOCK + LANES);
        int columns = Math.min(GROUP, n - j);
        for (int r = 0; r < BLOCK; r++) {
          int target = cOffset + (i + r) * ldc + j;
          for (int q = 0; q < columns; q++) {
            c[target + q] = tile[q * BLOCK + r];
          }
        }
      }
    }
    // the last rows of the product, one at a time, in the same order (fused multiply-adds along k)
    for (; i < last; i++) {
      for (int j = 0; j < n; j++) {
        float sum = 0f;
        for (int p = 0; p < k; p++) {
          sum = Math.fma(a[aOffset + p * lda + i], b[bOffset + p * ldb + j], sum);
        }
        c[cOffset + i * ldc + j] = sum;
      }
    }
  }
}
