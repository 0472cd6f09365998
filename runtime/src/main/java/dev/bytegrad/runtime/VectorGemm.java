package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 GEMM on the Vector API, loaded only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>B is packed once per call into column panels {@code NR = 2} vectors wide, zero-padded, contiguous
 * along k. C is computed in register tiles of {@code MR = 6} rows by one panel: twelve vector
 * accumulators, each step along k loading two vectors of B and broadcasting six elements of A — the
 * shape of fast BLAS micro-kernels, sized for the sixteen registers of AVX2. Each row tile of op(A) is
 * first copied into a small interleaved panel, so the broadcasts read one contiguous array whose bounds
 * checks the JIT hoists. Four leftover rows take a 4-row tile, fewer go a row at a time; edge columns
 * go through a small scratch tile. Packing copies whole vectors when B is not transposed. Products of at
 * least {@value #PARALLEL_FLOPS} flops are split by column panels (or row tiles) over a
 * {@link WorkerPool}; the results do not depend on the split. f64 products use {@link ScalarGemm}, on
 * the calling thread.
 */
final class VectorGemm implements GemmKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final int NR = 2 * LANES;
  private static final int MR = 6;
  /**
   * Products with at most this many columns (a classifier's ten classes) and B not transposed take the
   * skinny kernels: a 16-wide panel would waste most of its lanes, and packing a tile of A for a single
   * panel costs as much as the tile's arithmetic.
   */
  private static final int SKINNY_COLUMNS = 16;
  /** Rows of a transposed B packed at a time: a 64 x 16 block of the panel is 4 KiB. */
  private static final int PACK_K = 64;
  /** Columns of C a skinny kernel computes at once, four accumulators a row. */
  private static final int GROUP = 4;
  /** Below this many flops a product runs on the calling thread alone: waking workers costs more. */
  private static final long PARALLEL_FLOPS = 2_000_000;
  private final long parallelFlops;
  private final ScalarGemm scalar = new ScalarGemm();
  private final WorkerPool pool;
  /** Packed B kept by {@link #sgemmConstantB} is valid only in the epoch it was packed in. */
  private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();
  /** Each calling thread's product: its arguments, packed B and edge tiles, reused call after call. */
  private final ThreadLocal<Product> products;
  /** Each calling thread's skinny product (at most {@value #SKINNY_COLUMNS} columns), likewise. */
  private final ThreadLocal<Skinny> skinnies = ThreadLocal.withInitial(Skinny::new);

  VectorGemm() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** A kernel that splits large products over {@code threads} threads, the caller included. */
  VectorGemm(int threads) {
    this(threads, PARALLEL_FLOPS);
  }

  /** As {@link #VectorGemm(int)}, splitting products of at least {@code parallelFlops} flops (0: all of them). */
  VectorGemm(int threads, long parallelFlops) {
    this.parallelFlops = parallelFlops;
    this.pool = new WorkerPool(threads);
    this.products = ThreadLocal.withInitial(() -> new Product(pool.threads()));
  }

  @Override
  public int threads() {
    return pool.threads();
  }

  @Override
  public void parallel(WorkerPool.Job job, int parts) {
    pool.run(job, parts);
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    product(false, transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  @Override
  public void sgemmConstantB(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    product(true, transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  @Override
  public void newEpoch() {
    epoch.incrementAndGet();
  }

  private void product(boolean constantB, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if (!transB && n <= SKINNY_COLUMNS && k >= LANES) {
      Skinny skinny = skinnies.get();
      skinny.set(transA, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
      pool.run(skinny, 2L * m * n * k < parallelFlops ? 1 : skinny.blocks());
      return;
    }
    Product product = products.get();
    product.set(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    if (constantB) {
      product.useKept(epoch.get());
    }
    int panels = (n + NR - 1) / NR;
    int tiles = (m + MR - 1) / MR;
    if (2L * m * n * k < parallelFlops) {
      pool.run(product, 1);
    } else if (panels >= pool.threads() || panels >= tiles) {
      pool.run(product, panels);
    } else {
      // few columns (a softmax's ten classes): pack B once here, split the rows instead
      product.packAll();
      pool.run(product, tiles);
    }
  }

  /**
   * One product's arguments, split by column panels of C (part {@code i} packs its own panels of B and
   * computes every row of C for them) or, when B has fewer panels than there are threads, by row tiles
   * over a B packed beforehand. Parts share nothing they write, and each element of C is computed in the
   * same order whatever the number of parts (bitwise-identical results).
   */
  private static final class Product implements WorkerPool.Job {
    /** A B kept packed: which operand it is, the epoch it was packed in, and its panels. */
    private static final class Kept {
      private float[] b;
      private int bOffset;
      private int ldb;
      private int k;
      private int n;
      private boolean transB;
      private long epoch = -1;
      private float[] panels = new float[0];

      boolean holds(float[] b, int bOffset, int ldb, int k, int n, boolean transB) {
        return this.b == b && this.bOffset == bOffset && this.ldb == ldb && this.k == k && this.n == n && this.transB == transB;
      }
    }

    private final Kept[] kept = {new Kept(), new Kept(), new Kept(), new Kept()};
    private int nextKept;
    /** The panels {@link #run} reads: {@link #packed}, or a kept B's. */
    private float[] panels;
    /** Whether {@link #panels} already hold all of op(B). */
    private boolean prepacked;
    private final float[][] edges;
    /** Each part's row tile of op(A), packed: {@code aPanels[part][p * MR + r] = op(A)[i + r][p]}. */
    private final float[][] aPanels;
    private float[] packed = new float[0];
    private boolean packedAll;
    private boolean transA;
    private boolean transB;
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

    Product(int threads) {
      edges = new float[threads][MR * NR];
      aPanels = new float[threads][0];
    }

    void set(boolean transA, boolean transB, int m, int n, int k,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
      this.transA = transA;
      this.transB = transB;
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
      int panels = (n + NR - 1) / NR;
      if (packed.length < panels * NR * k) {
        packed = new float[panels * NR * k];
      }
      this.packedAll = false;
      this.panels = packed;
      this.prepacked = false;
    }

    /** Reads B from its kept panels if they were packed in this epoch; else packs it into a kept slot for later calls. */
    void useKept(long epoch) {
      Kept slot = null;
      for (Kept candidate : kept) {
        if (candidate.holds(b, bOffset, ldb, k, n, transB)) {
          slot = candidate;
        }
      }
      if (slot != null && slot.epoch == epoch) {
        panels = slot.panels;
        prepacked = true;
        return;
      }
      if (slot == null) {
        slot = kept[nextKept];
        nextKept = (nextKept + 1) % kept.length;
      }
      int size = (n + NR - 1) / NR * NR * k;
      if (slot.panels.length < size) {
        slot.panels = new float[size];
      }
      slot.b = b;
      slot.bOffset = bOffset;
      slot.ldb = ldb;
      slot.k = k;
      slot.n = n;
      slot.transB = transB;
      slot.epoch = epoch;
      panels = slot.panels;
    }

    /** Packs all of B now, so that {@link #run} splits rows rather than panels. */
    void packAll() {
      if (!prepacked) {
        pack(transB, n, k, b, bOffset, ldb, panels, 0, (n + NR - 1) / NR);
      }
      packedAll = true;
    }

    @Override
    public void run(int part, int parts) {
      int panels = (n + NR - 1) / NR;
      int tiles = (m + MR - 1) / MR;
      int first = 0;
      int last = panels;
      int firstRow = 0;
      int lastRow = m;
      if (packedAll) {
        firstRow = (int) ((long) tiles * part / parts) * MR;
        lastRow = Math.min(m, (int) ((long) tiles * (part + 1) / parts) * MR);
      } else {
        first = (int) ((long) panels * part / parts);
        last = (int) ((long) panels * (part + 1) / parts);
        if (!prepacked) {
          pack(transB, n, k, b, bOffset, ldb, this.panels, first, last);
        }
      }
      int strideI = transA ? 1 : lda;
      int strideP = transA ? lda : 1;
      float[] edge = edges[part];
      if (aPanels[part].length < MR * k) {
        aPanels[part] = new float[MR * k];
      }
      float[] aPanel = aPanels[part];
      // row tiles outside, panels inside: a tile of A stays in L1 while the packed panels stream from L2
      int rows;
      for (int i = firstRow; i < lastRow; i += rows) {
        // the last eight rows as two tiles of four (a batch of 32 = 4 x 6 + 2 x 4), not six and two a row at a time
        rows = lastRow - i == 8 ? 4 : Math.min(MR, lastRow - i);
        packA(a, aOffset + i * strideI, strideI, strideP, k, rows, aPanel);
        for (int panel = first; panel < last; panel++) {
          int j = panel * NR;
          int columns = Math.min(NR, n - j);
          boolean full = rows == MR && columns == NR;
          float[] target = full ? c : edge;
          int targetOffset = full ? cOffset + i * ldc + j : 0;
          int targetStride = full ? ldc : NR;
          if (rows == MR) {
            tile6(aPanel, k, this.panels, panel * NR * k, target, targetOffset, targetStride);
          } else if (rows >= 4) {
            tile4(aPanel, k, this.panels, panel * NR * k, target, targetOffset, targetStride);
            tileRows(4, rows, aPanel, k, this.panels, panel * NR * k, target, targetOffset, targetStride);
          } else {
            tileRows(0, rows, aPanel, k, this.panels, panel * NR * k, target, targetOffset, targetStride);
          }
          if (!full) {
            for (int r = 0; r < rows; r++) {
              System.arraycopy(edge, r * NR, c, cOffset + (i + r) * ldc + j, columns);
            }
          }
        }
      }
    }
  }

  /**
   * A product with few columns, {@code C[m, n] = op(A)[m, k] B[k, n]} with {@code n <= }{@value #SKINNY_COLUMNS}
   * and B not transposed, split by blocks of rows. B is first copied with its columns padded with zeros to a
   * multiple of the columns a kernel computes at once.
   * <ul>
   *   <li>A not transposed: rows of A are contiguous along k, so each element of C is a dot product
   *       vectorized along k (lanes summed at the end, the leftover k added in order), two rows at a time
   *       against B transposed.
   *   <li>A transposed: op(A)'s six rows for one k are six consecutive elements of A, so the tiled
   *       kernel's six-by-sixteen tile runs on A where it is, without packing it; every element of C is
   *       summed in k order, as the tiled kernel does.
   * </ul>
   * Each row of C is computed the same way whatever the blocks, so results do not depend on the threads.
   */
  private static final class Skinny implements WorkerPool.Job {
    private float[] packed = new float[0];
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

    void set(boolean transA, int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
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
      if (packed.length < columns * k) {
        packed = new float[columns * k];
      }
      if (transA) {
        // B row by row, each padded to the column groups: packed[p * columns + j]
        for (int p = 0; p < k; p++) {
          System.arraycopy(b, bOffset + p * ldb, packed, p * columns, n);
          java.util.Arrays.fill(packed, p * columns + n, (p + 1) * columns, 0f);
        }
      } else {
        // B transposed, a row of zeros for each padding column: packed[j * k + p]
        for (int j = 0; j < columns; j++) {
          for (int p = 0; p < k; p++) {
            packed[j * k + p] = j < n ? b[bOffset + p * ldb + j] : 0f;
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
          int w0 = j * k;
          int w1 = w0 + k;
          int w2 = w1 + k;
          int w3 = w2 + k;
          for (int p = 0; p < bound; p += LANES) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, a, row0 + p);
            FloatVector x1 = FloatVector.fromArray(SPECIES, a, row1 + p);
            FloatVector b0 = FloatVector.fromArray(SPECIES, packed, w0 + p);
            s00 = x0.fma(b0, s00);
            s10 = x1.fma(b0, s10);
            FloatVector b1 = FloatVector.fromArray(SPECIES, packed, w1 + p);
            s01 = x0.fma(b1, s01);
            s11 = x1.fma(b1, s11);
            FloatVector b2 = FloatVector.fromArray(SPECIES, packed, w2 + p);
            s02 = x0.fma(b2, s02);
            s12 = x1.fma(b2, s12);
            FloatVector b3 = FloatVector.fromArray(SPECIES, packed, w3 + p);
            s03 = x0.fma(b3, s03);
            s13 = x1.fma(b3, s13);
          }
          store(i, j, row0, bound, s00, s01, s02, s03);
          if (pair) {
            store(i + 1, j, row1, bound, s10, s11, s12, s13);
          }
        }
      }
    }

    /** Row {@code i}'s columns {@code j..j+3} (those below n). */
    private void store(int i, int j, int row, int bound, FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
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
    private void store(int i, int j, int row, int bound, FloatVector lanes) {
      float sum = lanes.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
      int w = j * k;
      for (int p = bound; p < k; p++) {
        sum = Math.fma(a[row + p], packed[w + p], sum);
      }
      c[cOffset + i * ldc + j] = sum;
    }

    private void runTransposed(int first, int last) {
      float[] tile = scratch.get();
      int i = first;
      for (; i + MR <= last; i += MR) {
        // six rows by sixteen columns, as the tiled kernel's tile, with A read where it is: for one k,
        // op(A)'s six rows are six consecutive elements of A's row k
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

  @Override
  public void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc) {
    scalar.dgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  /**
   * Panels {@code firstPanel} to {@code lastPanel - 1} of op(B):
   * {@code packed[panel*NR*k + p*NR + jj] = op(B)[p][panel*NR + jj]}, zeros past n.
   */
  private static void pack(boolean transB, int n, int k, float[] b, int bOffset, int ldb, float[] packed,
      int firstPanel, int lastPanel) {
    int fullPanels = Math.min(n / NR, lastPanel);
    if (!transB) {
      // row by row: each row of B is read once, contiguously, and lands as whole vectors in each panel
      for (int p = 0; p < k; p++) {
        int source = bOffset + p * ldb;
        for (int panel = firstPanel; panel < fullPanels; panel++) {
          int target = panel * NR * k + p * NR;
          FloatVector.fromArray(SPECIES, b, source + panel * NR).intoArray(packed, target);
          FloatVector.fromArray(SPECIES, b, source + panel * NR + LANES).intoArray(packed, target + LANES);
        }
      }
    } else {
      // B's rows are op(B)'s columns: read each along k in blocks of PACK_K, so that the block of the panel
      // being written (PACK_K x NR floats) stays in L1 while its sixteen columns fill in
      for (int panel = firstPanel; panel < fullPanels; panel++) {
        int base = panel * NR * k;
        for (int p0 = 0; p0 < k; p0 += PACK_K) {
          int p1 = Math.min(k, p0 + PACK_K);
          for (int jj = 0; jj < NR; jj++) {
            int source = bOffset + (panel * NR + jj) * ldb;
            for (int p = p0; p < p1; p++) {
              packed[base + p * NR + jj] = b[source + p];
            }
          }
        }
      }
    }
    if (lastPanel * NR > n) {
      int base = (lastPanel - 1) * NR * k;
      for (int p = 0; p < k; p++) {
        for (int jj = 0; jj < NR; jj++) {
          int j = (lastPanel - 1) * NR + jj;
          packed[base + p * NR + jj] = j >= n ? 0f : transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
        }
      }
    }
  }

  /** Six rows of C times one panel, written (not accumulated) at {@code c[cOffset + r*ldc + jj]}. */
  private static void tile6(float[] a, int k, float[] packed, int panelBase, float[] c, int cOffset, int ldc) {
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
      int bp = panelBase + p * NR;
      FloatVector b0 = FloatVector.fromArray(SPECIES, packed, bp);
      FloatVector b1 = FloatVector.fromArray(SPECIES, packed, bp + LANES);
      int ap = p * MR;
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
    c00.intoArray(c, cOffset);
    c01.intoArray(c, cOffset + LANES);
    c10.intoArray(c, cOffset + ldc);
    c11.intoArray(c, cOffset + ldc + LANES);
    c20.intoArray(c, cOffset + 2 * ldc);
    c21.intoArray(c, cOffset + 2 * ldc + LANES);
    c30.intoArray(c, cOffset + 3 * ldc);
    c31.intoArray(c, cOffset + 3 * ldc + LANES);
    c40.intoArray(c, cOffset + 4 * ldc);
    c41.intoArray(c, cOffset + 4 * ldc + LANES);
    c50.intoArray(c, cOffset + 5 * ldc);
    c51.intoArray(c, cOffset + 5 * ldc + LANES);
  }

  /** Four rows of C times one panel: the remainder of a row count such as 64 = 10 * 6 + 4, at near full speed. */
  private static void tile4(float[] a, int k, float[] packed, int panelBase, float[] c, int cOffset, int ldc) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    for (int p = 0; p < k; p++) {
      int bp = panelBase + p * NR;
      FloatVector b0 = FloatVector.fromArray(SPECIES, packed, bp);
      FloatVector b1 = FloatVector.fromArray(SPECIES, packed, bp + LANES);
      int ap = p * MR;
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
    }
    c00.intoArray(c, cOffset);
    c01.intoArray(c, cOffset + LANES);
    c10.intoArray(c, cOffset + ldc);
    c11.intoArray(c, cOffset + ldc + LANES);
    c20.intoArray(c, cOffset + 2 * ldc);
    c21.intoArray(c, cOffset + 2 * ldc + LANES);
    c30.intoArray(c, cOffset + 3 * ldc);
    c31.intoArray(c, cOffset + 3 * ldc + LANES);
  }

  /** Rows {@code from} to {@code to - 1} of a tile (fewer than six in all) times one panel, a row at a time. */
  private static void tileRows(int from, int to, float[] a, int k, float[] packed, int panelBase, float[] c, int cOffset, int ldc) {
    for (int r = from; r < to; r++) {
      FloatVector c0 = FloatVector.zero(SPECIES);
      FloatVector c1 = c0;
      for (int p = 0; p < k; p++) {
        int bp = panelBase + p * NR;
        FloatVector ar = FloatVector.broadcast(SPECIES, a[p * MR + r]);
        c0 = FloatVector.fromArray(SPECIES, packed, bp).fma(ar, c0);
        c1 = FloatVector.fromArray(SPECIES, packed, bp + LANES).fma(ar, c1);
      }
      c0.intoArray(c, cOffset + r * ldc);
      c1.intoArray(c, cOffset + r * ldc + LANES);
    }
  }

  /** Rows {@code 0..rows-1} of a tile of op(A), k long, interleaved: {@code panel[p * MR + r]}. */
  private static void packA(float[] a, int aBase, int strideI, int strideP, int k, int rows, float[] panel) {
    for (int p = 0; p < k; p++) {
      int source = aBase + p * strideP;
      for (int r = 0; r < rows; r++) {
        panel[p * MR + r] = a[source + r * strideI];
      }
    }
  }

}
