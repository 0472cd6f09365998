package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A product with few columns, {@code C[m, n] = op(A)[m, k] op(B)[k, n]}, split by blocks of rows: either
 * {@code n <= }{@value #COLUMNS} with B not transposed, or a small C ({@link #isDotProduct}) over a long k
 * with A not transposed and B transposed (a convolution's kernel gradient: 20 by 25 outputs, each a sum
 * over 36,864 positions).
 * <ul>
 *   <li>A not transposed: rows of A are contiguous along k, so each element of C is a dot product
 *       vectorized along k (lanes summed at the end, the leftover k added in order), two rows at a time
 *       against four rows of B transposed — B's own rows when it is stored transposed, else a transposed
 *       copy of it.
 *   <li>A transposed: op(A)'s six rows for one k are six consecutive elements of A, so the tiled
 *       kernel's six-by-sixteen tile runs on A where it is, without packing it, against B copied with its
 *       columns padded with zeros to the tile's sixteen; every element of C is summed in k order, as the
 *       tiled kernel does.
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
  private static final int NR = VectorGemm.NR;
  private static final int MR = VectorGemm.MR;
  /** The most elements of C a product of A by B transposed computes as dot products (see {@link #isDotProduct}). */
  static final int DOT_ELEMENTS = 1024;
  /** The fewest products each of those dot products sums. */
  static final int DOT_LENGTH = 1024;
  /** Columns of C the dot-product kernel computes at once, four accumulators a row. */
  private static final int GROUP = 4;
  private float[] packed = new float[0];
  /** op(B)'s columns as rows, contiguous along k: B itself when transposed, else {@link #packed}. */
  private float[] bRows;
  private int bRowsOffset;
  private int bRowStride;
  private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[MR * NR]);
  private boolean transA;
  private int m;
  private int n;
  private int k;
  private int columns;
  private float[] a;
  private int aOffset;
  private int lda;
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
    this.c = c;
    this.cOffset = cOffset;
    this.ldc = ldc;
    columns = transA ? NR : (n + GROUP - 1) / GROUP * GROUP;
    if (transB) {
      bRows = b;
      bRowsOffset = bOffset;
      bRowStride = ldb;
      return;
    }
    if (packed.length < columns * k) {
      packed = new float[columns * k];
    }
    bRows = packed;
    bRowsOffset = 0;
    bRowStride = k;
    if (transA) {
      // B row by row, each padded to the column groups: packed[p * columns + j]
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, bOffset + p * ldb, packed, p * columns, n);
        java.util.Arrays.fill(packed, p * columns + n, (p + 1) * columns, 0f);
      }
    } else {
      // B transposed: packed[j * k + p]
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) {
          packed[j * k + p] = b[bOffset + p * ldb + j];
        }
      }
    }
  }

  /** Blocks of rows the product can be split into. */
  int blocks() {
    return transA ? (m + MR - 1) / MR : (m + 1) / 2;
  }

  @Override
  public void run(int part, int parts) {
    int blocks = blocks();
    int size = transA ? MR : 2;
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
    for (int i = first; i < last; i += 2) {
      boolean pair = i + 1 < last;
      int row0 = aOffset + i * lda;
      int row1 = pair ? row0 + lda : row0;
      for (int j = 0; j < columns; j += GROUP) {
        FloatVector s00 = FloatVector.zero(SPECIES);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s03 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s13 = s00;
        // the last group's columns past n repeat column n - 1, and are not stored
        int w0 = bRow(j);
        int w1 = bRow(j + 1);
        int w2 = bRow(j + 2);
        int w3 = bRow(j + 3);
        for (int p = 0; p < bound; p += LANES) {
          FloatVector x0 = FloatVector.fromArray(SPECIES, a, row0 + p);
          FloatVector x1 = FloatVector.fromArray(SPECIES, a, row1 + p);
          FloatVector b0 = FloatVector.fromArray(SPECIES, bRows, w0 + p);
          s00 = x0.fma(b0, s00);
          s10 = x1.fma(b0, s10);
          FloatVector b1 = FloatVector.fromArray(SPECIES, bRows, w1 + p);
          s01 = x0.fma(b1, s01);
          s11 = x1.fma(b1, s11);
          FloatVector b2 = FloatVector.fromArray(SPECIES, bRows, w2 + p);
          s02 = x0.fma(b2, s02);
          s12 = x1.fma(b2, s12);
          FloatVector b3 = FloatVector.fromArray(SPECIES, bRows, w3 + p);
          s03 = x0.fma(b3, s03);
          s13 = x1.fma(b3, s13);
        }
        // the lanes' sums here, where the accumulators live in registers: passed on, they would be boxed
        store(i, j, row0, bound, s00.reduceLanes(VectorOperators.ADD), s01.reduceLanes(VectorOperators.ADD),
            s02.reduceLanes(VectorOperators.ADD), s03.reduceLanes(VectorOperators.ADD));
        if (pair) {
          store(i + 1, j, row1, bound, s10.reduceLanes(VectorOperators.ADD), s11.reduceLanes(VectorOperators.ADD),
              s12.reduceLanes(VectorOperators.ADD), s13.reduceLanes(VectorOperators.ADD));
        }
      }
    }
  }

  /** Where column {@code j} of op(B) starts in {@link #bRows}: row {@code j} of B transposed, the last one past n. */
  private int bRow(int j) {
    return bRowsOffset + Math.min(j, n - 1) * bRowStride;
  }

  /** Row {@code i}'s columns {@code j..j+3} (those below n), from their lanes' sums. */
  private void store(int i, int j, int row, int bound, float s0, float s1, float s2, float s3) {
    store(i, j, row, bound, s0);
    if (j + 1 < n) {
      store(i, j + 1, row, bound, s1);
    }
    if (j + 2 < n) {
      store(i, j + 2, row, bound, s2);
    }
    if (j + 3 < n) {
      store(i, j + 3, row, bound, s3);
    }
  }

  /** {@code C[i][j]}: the lanes' sum, then the leftover k in order. */
  private void store(int i, int j, int row, int bound, float lanes) {
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
    for (; i + MR <= last; i += MR) {
      // six rows by sixteen columns, as the tiled kernel's tile, with A read where it is: for one k,
      // op(A)'s six rows are six consecutive elements of A's row k. GemmTiles.tile6 reads a packed panel
      // with a constant stride; giving it a variable one costs the main kernel (a variable B stride
      // measured 68 against 75 GFLOP/s at 1024^3), hence this second copy of the tile
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
      FloatVector c50 = c00;
      FloatVector c51 = c00;
      for (int p = 0; p < k; p++) {
        int bp = p * NR;
        FloatVector b0 = FloatVector.fromArray(SPECIES, packed, bp);
        FloatVector b1 = FloatVector.fromArray(SPECIES, packed, bp + LANES);
        int ap = aOffset + p * lda + i;
        FloatVector a0 = FloatVector.broadcast(SPECIES, a[ap]);
        c00 = b0.fma(a0, c00);
        c01 = b1.fma(a0, c01);
        FloatVector a1 = FloatVector.broadcast(SPECIES, a[ap + 1]);
        c10 = b0.fma(a1, c10);
        c11 = b1.fma(a1, c11);
        FloatVector a2 = FloatVector.broadcast(SPECIES, a[ap + 2]);
        c20 = b0.fma(a2, c20);
        c21 = b1.fma(a2, c21);
        FloatVector a3 = FloatVector.broadcast(SPECIES, a[ap + 3]);
        c30 = b0.fma(a3, c30);
        c31 = b1.fma(a3, c31);
        FloatVector a4 = FloatVector.broadcast(SPECIES, a[ap + 4]);
        c40 = b0.fma(a4, c40);
        c41 = b1.fma(a4, c41);
        FloatVector a5 = FloatVector.broadcast(SPECIES, a[ap + 5]);
        c50 = b0.fma(a5, c50);
        c51 = b1.fma(a5, c51);
      }
      c00.intoArray(tile, 0);
      c01.intoArray(tile, LANES);
      c10.intoArray(tile, NR);
      c11.intoArray(tile, NR + LANES);
      c20.intoArray(tile, 2 * NR);
      c21.intoArray(tile, 2 * NR + LANES);
      c30.intoArray(tile, 3 * NR);
      c31.intoArray(tile, 3 * NR + LANES);
      c40.intoArray(tile, 4 * NR);
      c41.intoArray(tile, 4 * NR + LANES);
      c50.intoArray(tile, 5 * NR);
      c51.intoArray(tile, 5 * NR + LANES);
      for (int r = 0; r < MR; r++) {
        System.arraycopy(tile, r * NR, c, cOffset + (i + r) * ldc, n);
      }
    }
    // the last rows of the product, one at a time, in the same order (fused multiply-adds along k)
    for (; i < last; i++) {
      for (int j = 0; j < n; j++) {
        float sum = 0f;
        for (int p = 0; p < k; p++) {
          sum = Math.fma(a[aOffset + p * lda + i], packed[p * columns + j], sum);
        }
        c[cOffset + i * ldc + j] = sum;
      }
    }
  }
}
