package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A product with few columns, {@code C[m, n] = op(A)[m, k] op(B)[k, n]}, split by blocks of rows: either
 * {@code n <= }{@value #COLUMNS} with B not transposed, or a small C ({@link #isDotProduct}) over a long k
 * with A not transposed and B transposed (a convolution's kernel gradient: 20 by 25 outputs, each a sum
 * over 36,864 positions). Columns go in groups; a last group past n repeats column n - 1 and stores nothing
 * of it.
 * <ul>
 *   <li>A not transposed, {@value #GROUP} to {@value #WIDE} columns (a classifier's ten classes): each
 *       element of C is a dot product vectorized along k (lanes summed at the end, the leftover k added
 *       in order), a row at a time against all {@value #WIDE} columns, B packed in chunks so that every
 *       step reads one contiguous run of it ({@link #packWide}).
 *   <li>A not transposed otherwise: the same dot products, two rows by {@value #GROUP} columns at a time,
 *       against B's own rows when it is stored transposed, else a transposed copy of it.
 *   <li>A transposed: op(A)'s rows for one k are consecutive elements of A, so a block of two vectors of
 *       rows is loaded where it lies and multiplied by {@value #GROUP} elements of B's row k, broadcast;
 *       each element of C is summed in k order with fused multiply-adds, as the tiled kernel sums it.
 * </ul>
 * The kernels are shaped for the JIT as much as for the machine: accumulators and operands fit the
 * sixteen vector registers (one spilled accumulator halved the two-row kernel's speed at ten columns),
 * and the arrays the loop over k reads are indexed by constant multiples of its counter, so that their
 * bounds checks leave the loop. Each row of C is computed the same way whatever the blocks, so results do
 * not depend on the threads.
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
  /**
   * Columns of C the two-row and the transposed kernels compute at once: ten accumulators, two rows (or
   * two vectors of rows) by five columns.
   */
  private static final int GROUP = 5;
  /**
   * Columns of C the transposed kernel computes at once: ten where vectors hold sixteen floats (AVX-512,
   * 32 registers: twenty accumulators), so that a classifier's ten columns take one pass over A rather
   * than two ({@link #blocksOfTen}); else {@value #GROUP}.
   */
  private static final int TRANSPOSED_GROUP = LANES >= 16 ? 2 * GROUP : GROUP;
  /**
   * Columns of C the wide kernel computes at once, a row at a time: ten accumulators, each fed straight
   * from memory (a fused multiply-add with a memory operand), so that with the row's vector they fill
   * eleven of the sixteen vector registers and none spills.
   */
  private static final int WIDE = 10;
  private float[] packed = new float[0];
  /** Whether B (not transposed, {@value #GROUP} to {@value #WIDE} columns) is packed for the wide kernel. */
  private boolean wide;
  private boolean transB;
  /** op(B)'s columns as rows, contiguous along k: B itself when transposed, else {@link #packed}. */
  private float[] bRows;
  private int bRowsOffset;
  private int bRowStride;
  private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[TRANSPOSED_GROUP * BLOCK]);
  /** Each thread's accumulators of {@link #runRows} between chunks of k: ten vectors a pair of rows and group of columns. */
  private final ThreadLocal<float[]> partials = ThreadLocal.withInitial(() -> new float[0]);
  /** Ten vectors' worth of zeros, from which {@link #runRows} loads its first chunk's accumulators. */
  private static final float[] ZERO_ACCUMULATORS = new float[2 * GROUP * LANES];
  /**
   * Steps of k {@link #runRows} takes for all its rows and columns before the next: a pair of rows' chunk
   * (8 KiB) stays in L1 across the groups of columns, and all of a 20 x 25 product's chunk (180 KiB) in L2.
   * Chunks of 512 to 4,096 took 650-700 us for LeNet's 20 x 25 x 36,864 on the Xeon; 256, 700.
   */
  private static final int DOT_CHUNK = 1024;
  /** Each thread's sums of a row of the transposed kernel's last rows. */
  private final ThreadLocal<float[]> tailSums = ThreadLocal.withInitial(() -> new float[0]);
  /** Each thread's accumulators stored for {@link #sum}: twenty vectors. */
  private final ThreadLocal<float[]> accumulators = ThreadLocal.withInitial(() -> new float[2 * WIDE * LANES]);
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
    this.transB = transB;
    this.wide = false;
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
      packGroups();
      return;
    }
    if (transB) {
      bRows = b;
      bRowsOffset = bOffset;
      bRowStride = ldb;
      return;
    }
    if (n > GROUP && n <= WIDE) {
      packWide();
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

  /**
   * For the transposed kernel, B's columns a group of G = {@link #TRANSPOSED_GROUP} at a time:
   * {@code packed[(g*k + p)*G + q] = B[p][g*G + q]}, column n - 1 again past n. Indexed by a constant
   * multiple of p, the kernel's reads of it need no bounds check in the loop over k (the JIT removes
   * them), where B's own stride would leave one per element.
   */
  private void packGroups() {
    int width = TRANSPOSED_GROUP;
    int groups = (n + width - 1) / width;
    if (packed.length < groups * width * k) {
      packed = new float[groups * width * k];
    }
    for (int g = 0; g < groups; g++) {
      for (int p = 0; p < k; p++) {
        int source = bOffset + p * ldb;
        int target = (g * k + p) * width;
        for (int q = 0; q < width; q++) {
          packed[target + q] = b[source + Math.min(g * width + q, n - 1)];
        }
      }
    }
  }

  /**
   * For the wide kernel, B's columns {@value #WIDE} at a time, each group in chunks of a vector's length
   * along k: the chunk at p (a multiple of the lanes) holds column g*WIDE + q's elements p..p+LANES-1 at
   * {@code packed[g*bound*WIDE + p*WIDE + q*LANES + lane]}, column n - 1 again past n. One step of the
   * kernel reads one chunk, a constant offset from a constant multiple of p apart: one address, no bounds
   * checks left in the loop. The leftover k past the last whole vector is read from B itself.
   */
  private void packWide() {
    int bound = SPECIES.loopBound(k);
    int groups = (n + WIDE - 1) / WIDE;
    if (packed.length < groups * WIDE * bound) {
      packed = new float[groups * WIDE * bound];
    }
    for (int g = 0; g < groups; g++) {
      for (int p = 0; p < bound; p++) {
        int source = bOffset + p * ldb;
        int target = (g * bound + p - p % LANES) * WIDE + p % LANES;
        for (int q = 0; q < WIDE; q++) {
          packed[target + q * LANES] = b[source + Math.min(g * WIDE + q, n - 1)];
        }
      }
    }
    wide = true;
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
    } else if (wide) {
      if (LANES >= 16) {
        runWidePairs(first, last);
      } else {
        runWide(first, last);
      }
    } else {
      runRows(first, last);
    }
  }

  private void runWide(int first, int last) {
    int bound = SPECIES.loopBound(k);
    float[] lanes = accumulators.get();
    float[] a = this.a;
    float[] chunks = this.packed;
    int n = this.n;
    for (int i = first; i < last; i++) {
      int row = aOffset + i * lda;
      for (int j = 0; j < n; j += WIDE) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        FloatVector s8 = s0;
        FloatVector s9 = s0;
        int group = j * bound;
        for (int p = 0; p < bound; p += LANES) {
          FloatVector x = FloatVector.fromArray(SPECIES, a, row + p);
          int chunk = group + p * WIDE;
          s0 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk), s0);
          s1 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + LANES), s1);
          s2 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 2 * LANES), s2);
          s3 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 3 * LANES), s3);
          s4 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 4 * LANES), s4);
          s5 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 5 * LANES), s5);
          s6 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 6 * LANES), s6);
          s7 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 7 * LANES), s7);
          s8 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 8 * LANES), s8);
          s9 = x.fma(FloatVector.fromArray(SPECIES, chunks, chunk + 9 * LANES), s9);
        }
        s0.intoArray(lanes, 0);
        s1.intoArray(lanes, LANES);
        s2.intoArray(lanes, 2 * LANES);
        s3.intoArray(lanes, 3 * LANES);
        s4.intoArray(lanes, 4 * LANES);
        s5.intoArray(lanes, 5 * LANES);
        s6.intoArray(lanes, 6 * LANES);
        s7.intoArray(lanes, 7 * LANES);
        s8.intoArray(lanes, 8 * LANES);
        s9.intoArray(lanes, 9 * LANES);
        storeSums(i, j, row, bound, lanes, 0, WIDE);
      }
    }
  }

  /**
   * {@link #runWide} two rows at a time, for AVX-512's 32 registers: twenty accumulators, each chunk of B
   * loaded once for two multiply-adds where one row at a time loads it for one (a load per multiply-add
   * was the kernel's limit): the softmax regression's forward product (256 x 10 over 784) took 49 us
   * instead of 69 on a Xeon. A last odd row goes through {@link #runWide}. Each element of C is summed as
   * there, so the bits are the same.
   */
  private void runWidePairs(int first, int last) {
    int bound = SPECIES.loopBound(k);
    float[] lanes = accumulators.get();
    float[] a = this.a;
    float[] chunks = this.packed;
    int n = this.n;
    int i = first;
    for (; i + 2 <= last; i += 2) {
      int row0 = aOffset + i * lda;
      int row1 = row0 + lda;
      for (int j = 0; j < n; j += WIDE) {
        FloatVector s00 = FloatVector.zero(SPECIES);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s03 = s00;
        FloatVector s04 = s00;
        FloatVector s05 = s00;
        FloatVector s06 = s00;
        FloatVector s07 = s00;
        FloatVector s08 = s00;
        FloatVector s09 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s13 = s00;
        FloatVector s14 = s00;
        FloatVector s15 = s00;
        FloatVector s16 = s00;
        FloatVector s17 = s00;
        FloatVector s18 = s00;
        FloatVector s19 = s00;
        int group = j * bound;
        for (int p = 0; p < bound; p += LANES) {
          FloatVector x0 = FloatVector.fromArray(SPECIES, a, row0 + p);
          FloatVector x1 = FloatVector.fromArray(SPECIES, a, row1 + p);
          int chunk = group + p * WIDE;
          FloatVector y = FloatVector.fromArray(SPECIES, chunks, chunk);
          s00 = x0.fma(y, s00);
          s10 = x1.fma(y, s10);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + LANES);
          s01 = x0.fma(y, s01);
          s11 = x1.fma(y, s11);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 2 * LANES);
          s02 = x0.fma(y, s02);
          s12 = x1.fma(y, s12);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 3 * LANES);
          s03 = x0.fma(y, s03);
          s13 = x1.fma(y, s13);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 4 * LANES);
          s04 = x0.fma(y, s04);
          s14 = x1.fma(y, s14);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 5 * LANES);
          s05 = x0.fma(y, s05);
          s15 = x1.fma(y, s15);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 6 * LANES);
          s06 = x0.fma(y, s06);
          s16 = x1.fma(y, s16);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 7 * LANES);
          s07 = x0.fma(y, s07);
          s17 = x1.fma(y, s17);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 8 * LANES);
          s08 = x0.fma(y, s08);
          s18 = x1.fma(y, s18);
          y = FloatVector.fromArray(SPECIES, chunks, chunk + 9 * LANES);
          s09 = x0.fma(y, s09);
          s19 = x1.fma(y, s19);
        }
        // stored here, where the accumulators live in registers: passed to a method, they would be boxed
        s00.intoArray(lanes, 0);
        s01.intoArray(lanes, LANES);
        s02.intoArray(lanes, 2 * LANES);
        s03.intoArray(lanes, 3 * LANES);
        s04.intoArray(lanes, 4 * LANES);
        s05.intoArray(lanes, 5 * LANES);
        s06.intoArray(lanes, 6 * LANES);
        s07.intoArray(lanes, 7 * LANES);
        s08.intoArray(lanes, 8 * LANES);
        s09.intoArray(lanes, 9 * LANES);
        s10.intoArray(lanes, 10 * LANES);
        s11.intoArray(lanes, 11 * LANES);
        s12.intoArray(lanes, 12 * LANES);
        s13.intoArray(lanes, 13 * LANES);
        s14.intoArray(lanes, 14 * LANES);
        s15.intoArray(lanes, 15 * LANES);
        s16.intoArray(lanes, 16 * LANES);
        s17.intoArray(lanes, 17 * LANES);
        s18.intoArray(lanes, 18 * LANES);
        s19.intoArray(lanes, 19 * LANES);
        storeSums(i, j, row0, bound, lanes, 0, WIDE);
        storeSums(i + 1, j, row1, bound, lanes, WIDE, WIDE);
      }
    }
    if (i < last) {
      runWide(i, last);
    }
  }

  /**
   * Two rows by {@value #GROUP} columns at a time, along k in chunks of {@value #DOT_CHUNK}: every pair of
   * rows and group of columns takes its share of a chunk before any takes the next, their accumulators kept
   * in {@link #partials} in between (a float stored and loaded again is the same float: each lane sums in
   * the same order, the same bits). Over a long k (LeNet's first kernel gradient, 20 x 25 over 36,864
   * positions) a pair and group at a time read A five times and B ten times from memory, 52 MB a call;
   * chunk by chunk they come from L2: 1.36 ms -> 0.66 ms on a Xeon (one thread, JDK 17).
   */
  private void runRows(int first, int last) {
    int bound = SPECIES.loopBound(k);
    float[] lanes = accumulators.get();
    float[] rows = bRows;
    float[] a = this.a;
    int n = this.n;
    int chunk = Math.max(LANES, Math.min(bound, DOT_CHUNK));
    int groupsOfC = (n + GROUP - 1) / GROUP;
    float[] kept = partials.get();
    if (chunk < bound) {
      int size = (last - first + 1) / 2 * groupsOfC * 2 * GROUP * LANES;
      if (kept.length < size) {
        kept = new float[size];
        partials.set(kept);
      }
    }
    for (int p0 = 0; ; p0 += chunk) {
      int p1 = Math.min(bound, p0 + chunk);
      boolean lastChunk = p1 >= bound;
      // the first chunk's accumulators start from zeros: one load either way (see GemmTiles.start)
      float[] from = p0 == 0 ? ZERO_ACCUMULATORS : kept;
      for (int i = first; i < last; i += 2) {
        boolean pair = i + 1 < last;
        int row0 = aOffset + i * lda;
        int row1 = pair ? row0 + lda : row0;
        for (int j = 0; j < n; j += GROUP) {
          int slot = ((i - first) / 2 * groupsOfC + j / GROUP) * 2 * GROUP * LANES;
          int at = p0 == 0 ? 0 : slot;
          FloatVector s00 = FloatVector.fromArray(SPECIES, from, at);
          FloatVector s01 = FloatVector.fromArray(SPECIES, from, at + LANES);
          FloatVector s02 = FloatVector.fromArray(SPECIES, from, at + 2 * LANES);
          FloatVector s03 = FloatVector.fromArray(SPECIES, from, at + 3 * LANES);
          FloatVector s04 = FloatVector.fromArray(SPECIES, from, at + 4 * LANES);
          FloatVector s10 = FloatVector.fromArray(SPECIES, from, at + 5 * LANES);
          FloatVector s11 = FloatVector.fromArray(SPECIES, from, at + 6 * LANES);
          FloatVector s12 = FloatVector.fromArray(SPECIES, from, at + 7 * LANES);
          FloatVector s13 = FloatVector.fromArray(SPECIES, from, at + 8 * LANES);
          FloatVector s14 = FloatVector.fromArray(SPECIES, from, at + 9 * LANES);
          int w0 = bRow(j);
          int w1 = bRow(j + 1);
          int w2 = bRow(j + 2);
          int w3 = bRow(j + 3);
          int w4 = bRow(j + 4);
          for (int p = p0; p < p1; p += LANES) {
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
          // stored here, where the accumulators live in registers: passed to a method, they would be boxed;
          // into the thread's lanes for the sums after the last chunk, else kept for the next
          float[] to = lastChunk ? lanes : kept;
          int base = lastChunk ? 0 : slot;
          s00.intoArray(to, base);
          s01.intoArray(to, base + LANES);
          s02.intoArray(to, base + 2 * LANES);
          s03.intoArray(to, base + 3 * LANES);
          s04.intoArray(to, base + 4 * LANES);
          s10.intoArray(to, base + 5 * LANES);
          s11.intoArray(to, base + 6 * LANES);
          s12.intoArray(to, base + 7 * LANES);
          s13.intoArray(to, base + 8 * LANES);
          s14.intoArray(to, base + 9 * LANES);
          if (lastChunk) {
            storeSums(i, j, row0, bound, lanes, 0, GROUP);
            if (pair) {
              storeSums(i + 1, j, row1, bound, lanes, GROUP, GROUP);
            }
          }
        }
      }
      if (lastChunk) {
        return;
      }
    }
  }

  /** Where column {@code j} of op(B) starts in {@link #bRows}: row {@code j} of B transposed, the last one past n. */
  private int bRow(int j) {
    return bRowsOffset + Math.min(j, n - 1) * bRowStride;
  }

  /** {@code C[i][j]}, if j is below n: the lanes' sum, then the leftover k in order. */
  /**
   * The lanes of the accumulator stored at {@code slot} of {@code lanes} (the thread's scratch), added one
   * after another from lane 0, as the Vector API's Java fallback and JDK 17's C2 add them. Not
   * {@code reduceLanes(ADD)}, whose order the API leaves open: JDK 25's C2, once it compiles a loop around
   * one, adds the lanes in a tree, so a product's bits, and a training run's, depended on the JDK and on
   * when C2 got to it. ({@code lane(i)} one at a time made the softmax step a third slower; a tree of
   * {@code rearrange}s allocated.)
   */
  private static float sum(float[] lanes, int slot) {
    int offset = slot * LANES;
    float sum = 0f;
    for (int lane = 0; lane < LANES; lane++) {
      sum += lanes[offset + lane];
    }
    return sum;
  }

  /** {@link #store}s {@code C[i][j + q]} for q below {@code count}, the sum of the accumulator at slot {@code first + q}. */
  private void storeSums(int i, int j, int row, int bound, float[] lanes, int first, int count) {
    for (int q = 0; q < count; q++) {
      store(i, j + q, row, bound, sum(lanes, first + q));
    }
  }

  private void store(int i, int j, int row, int bound, float lanes) {
    if (j >= n) {
      return;
    }
    float sum = lanes;
    for (int p = bound; p < k; p++) {
      sum = Math.fma(a[row + p], transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j], sum);
    }
    c[cOffset + i * ldc + j] = sum;
  }

  private void runTransposed(int first, int last) {
    int i = TRANSPOSED_GROUP == GROUP ? blocksOfFive(first, last) : blocksOfTen(first, last);
    // the last rows of the product, one at a time, in the same order (fused multiply-adds along k), the
    // row's columns side by side: one column after another, each sum waited for its own last
    // multiply-add at every step (sixteen rows of a 784-row product took longer than the other 768)
    float[] sums = tailSums.get();
    if (sums.length < n) {
      sums = new float[n];
      tailSums.set(sums);
    }
    for (; i < last; i++) {
      java.util.Arrays.fill(sums, 0, n, 0f);
      for (int p = 0; p < k; p++) {
        float x = a[aOffset + p * lda + i];
        int row = bOffset + p * ldb;
        for (int j = 0; j < n; j++) {
          sums[j] = Math.fma(x, b[row + j], sums[j]);
        }
      }
      System.arraycopy(sums, 0, c, cOffset + i * ldc, n);
    }
  }

  /** The transposed kernel's whole blocks of rows from {@code first}, five columns at a time; returns the row after them. */
  private int blocksOfFive(int first, int last) {
    float[] tile = scratch.get();
    // the fields in locals: read in the loop over k, they would be loaded again at every step of it
    float[] a = this.a;
    float[] groups = this.packed;
    int lda = this.lda;
    int n = this.n;
    int k = this.k;
    int i = first;
    for (; i + BLOCK <= last; i += BLOCK) {
      for (int j = 0; j < n; j += GROUP) {
        // column j + q of C for rows i..i+BLOCK-1: two vectors each (past n, column n - 1 again)
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
        int group = j * k;
        int ap = aOffset + i;
        for (int p = 0; p < k; p++, ap += lda) {
          FloatVector x0 = FloatVector.fromArray(SPECIES, a, ap);
          FloatVector x1 = FloatVector.fromArray(SPECIES, a, ap + LANES);
          int bp = group + p * GROUP;
          FloatVector y = FloatVector.broadcast(SPECIES, groups[bp]);
          c00 = x0.fma(y, c00);
          c01 = x1.fma(y, c01);
          y = FloatVector.broadcast(SPECIES, groups[bp + 1]);
          c10 = x0.fma(y, c10);
          c11 = x1.fma(y, c11);
          y = FloatVector.broadcast(SPECIES, groups[bp + 2]);
          c20 = x0.fma(y, c20);
          c21 = x1.fma(y, c21);
          y = FloatVector.broadcast(SPECIES, groups[bp + 3]);
          c30 = x0.fma(y, c30);
          c31 = x1.fma(y, c31);
          y = FloatVector.broadcast(SPECIES, groups[bp + 4]);
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
    return i;
  }

  /**
   * {@link #blocksOfFive} ten columns at a time, for AVX-512's 32 registers: twenty accumulators, and A
   * read once for a classifier's ten columns where five at a time read it twice; then blocks of one vector
   * of rows. The softmax regression's weight gradient (784 x 10 over a batch of 256) took 68 us instead of
   * 88 on a Xeon (JDK 17 and 25) with ten columns, and 29-34 us once its last 16 rows (784 = 24 x 32 + 16)
   * took a vector rather than the scalar loop.
   */
  private int blocksOfTen(int first, int last) {
    float[] tile = scratch.get();
    float[] a = this.a;
    float[] groups = this.packed;
    int lda = this.lda;
    int n = this.n;
    int k = this.k;
    int i = first;
    for (; i + BLOCK <= last; i += BLOCK) {
      for (int j = 0; j < n; j += 10) {
        // column j + q of C for rows i..i+BLOCK-1: two vectors each (past n, column n - 1 again)
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
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        FloatVector c80 = c00;
        FloatVector c81 = c00;
        FloatVector c90 = c00;
        FloatVector c91 = c00;
        int group = j * k;
        int ap = aOffset + i;
        for (int p = 0; p < k; p++, ap += lda) {
          FloatVector x0 = FloatVector.fromArray(SPECIES, a, ap);
          FloatVector x1 = FloatVector.fromArray(SPECIES, a, ap + LANES);
          int bp = group + p * 10;
          FloatVector y = FloatVector.broadcast(SPECIES, groups[bp]);
          c00 = x0.fma(y, c00);
          c01 = x1.fma(y, c01);
          y = FloatVector.broadcast(SPECIES, groups[bp + 1]);
          c10 = x0.fma(y, c10);
          c11 = x1.fma(y, c11);
          y = FloatVector.broadcast(SPECIES, groups[bp + 2]);
          c20 = x0.fma(y, c20);
          c21 = x1.fma(y, c21);
          y = FloatVector.broadcast(SPECIES, groups[bp + 3]);
          c30 = x0.fma(y, c30);
          c31 = x1.fma(y, c31);
          y = FloatVector.broadcast(SPECIES, groups[bp + 4]);
          c40 = x0.fma(y, c40);
          c41 = x1.fma(y, c41);
          y = FloatVector.broadcast(SPECIES, groups[bp + 5]);
          c50 = x0.fma(y, c50);
          c51 = x1.fma(y, c51);
          y = FloatVector.broadcast(SPECIES, groups[bp + 6]);
          c60 = x0.fma(y, c60);
          c61 = x1.fma(y, c61);
          y = FloatVector.broadcast(SPECIES, groups[bp + 7]);
          c70 = x0.fma(y, c70);
          c71 = x1.fma(y, c71);
          y = FloatVector.broadcast(SPECIES, groups[bp + 8]);
          c80 = x0.fma(y, c80);
          c81 = x1.fma(y, c81);
          y = FloatVector.broadcast(SPECIES, groups[bp + 9]);
          c90 = x0.fma(y, c90);
          c91 = x1.fma(y, c91);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 0 + LANES);
        c10.intoArray(tile, BLOCK);
        c11.intoArray(tile, BLOCK + LANES);
        c20.intoArray(tile, 2 * BLOCK);
        c21.intoArray(tile, 2 * BLOCK + LANES);
        c30.intoArray(tile, 3 * BLOCK);
        c31.intoArray(tile, 3 * BLOCK + LANES);
        c40.intoArray(tile, 4 * BLOCK);
        c41.intoArray(tile, 4 * BLOCK + LANES);
        c50.intoArray(tile, 5 * BLOCK);
        c51.intoArray(tile, 5 * BLOCK + LANES);
        c60.intoArray(tile, 6 * BLOCK);
        c61.intoArray(tile, 6 * BLOCK + LANES);
        c70.intoArray(tile, 7 * BLOCK);
        c71.intoArray(tile, 7 * BLOCK + LANES);
        c80.intoArray(tile, 8 * BLOCK);
        c81.intoArray(tile, 8 * BLOCK + LANES);
        c90.intoArray(tile, 9 * BLOCK);
        c91.intoArray(tile, 9 * BLOCK + LANES);
        int columns = Math.min(10, n - j);
        for (int r = 0; r < BLOCK; r++) {
          int target = cOffset + (i + r) * ldc + j;
          for (int q = 0; q < columns; q++) {
            c[target + q] = tile[q * BLOCK + r];
          }
        }
      }
    }
    // a last vector's worth of rows (784 = 24 x 32 + 16): ten accumulators
    for (; i + LANES <= last; i += LANES) {
      for (int j = 0; j < n; j += 10) {
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        FloatVector c8 = c0;
        FloatVector c9 = c0;
        int group = j * k;
        int ap = aOffset + i;
        for (int p = 0; p < k; p++, ap += lda) {
          FloatVector x = FloatVector.fromArray(SPECIES, a, ap);
          int bp = group + p * 10;
          c0 = x.fma(FloatVector.broadcast(SPECIES, groups[bp]), c0);
          c1 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 1]), c1);
          c2 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 2]), c2);
          c3 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 3]), c3);
          c4 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 4]), c4);
          c5 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 5]), c5);
          c6 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 6]), c6);
          c7 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 7]), c7);
          c8 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 8]), c8);
          c9 = x.fma(FloatVector.broadcast(SPECIES, groups[bp + 9]), c9);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, BLOCK);
        c2.intoArray(tile, 2 * BLOCK);
        c3.intoArray(tile, 3 * BLOCK);
        c4.intoArray(tile, 4 * BLOCK);
        c5.intoArray(tile, 5 * BLOCK);
        c6.intoArray(tile, 6 * BLOCK);
        c7.intoArray(tile, 7 * BLOCK);
        c8.intoArray(tile, 8 * BLOCK);
        c9.intoArray(tile, 9 * BLOCK);
        int columns = Math.min(10, n - j);
        for (int r = 0; r < LANES; r++) {
          int target = cOffset + (i + r) * ldc + j;
          for (int q = 0; q < columns; q++) {
            c[target + q] = tile[q * BLOCK + r];
          }
        }
      }
    }
    return i;
  }
}
