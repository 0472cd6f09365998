package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 GEMM on the Vector API, loaded only when {@code jdk.incubator.vector} is in the boot layer.
 *
 * <p>B is packed into column panels {@code NR = 2} vectors wide, zero-padded, contiguous along k. C is
 * computed in register tiles of six rows by one panel: twelve vector accumulators, each step along k
 * loading two vectors of B and broadcasting six elements of A — the shape of fast BLAS micro-kernels,
 * sized for the sixteen registers of AVX2 — or of twelve rows with AVX-512, four when asked to ({@link #ROWS}). Each row tile
 * of op(A) is first copied into a small interleaved panel, so the broadcasts read one contiguous array
 * whose bounds checks the JIT hoists ({@link GemmPacking} packs, {@link GemmTiles} multiplies). The loops
 * are blocked the way BLAS blocks them: groups of {@value #PANEL_GROUP} panels, then blocks of at most
 * {@value #KC} along k (each packed just before use into a buffer of the group's size, each continuing
 * the sums of the block before), then row tiles, then panels: a tile of A and a panel's block share L1,
 * the group's blocks stay in L2. Four leftover rows take a 4-row tile (eight take two, five one and a
 * row), fewer go a row at a time; partial panels go through a small scratch tile. Packing copies whole
 * vectors, four rows of B at a time, when B is not transposed, and when it is gathers one float from each
 * of a vector's worth of B's rows at each step of k (0.80-0.88 of the time of the products with B^T of
 * LeNet and the MLP, against copying a float at a time). Products with few columns, or a small C
 * over a long k, go to {@link SkinnyProduct} instead, and a B that stays the same across calls is packed
 * once per epoch ({@link #sgemmConstantB}). Products of at least {@value #PARALLEL_FLOPS} flops are
 * split over a {@link WorkerPool}: by column panels, op(A) then packed once by all the threads together,
 * or, when C has no more columns than rows (a weight gradient such as the MLP's 784 x 256 over a batch
 * of 64), by row tiles over a B packed first, which spares the threads the second hand-over and each its
 * copies of A's tiles (the MLP's weight gradient on two threads took 0.70 of the time); or, when k is
 * long over few rows of A ({@link #cutsK}: a dense layer's forward product), by halves of k, so that each
 * thread reads the rows of the weights that its part of the update wrote. The results do not depend on
 * the split: whether k is cut in halves depends on the shape alone. f64 products use {@link ScalarGemm},
 * on the calling thread.
 */
final class VectorGemm implements GemmKernel {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int LANES = SPECIES.length();
  /** Columns of a packed panel of B, and of a register tile: two vectors. */
  static final int NR = 2 * LANES;
  /**
   * Rows of a register tile: 12 with AVX-512's sixteen floats a vector (and its 32 registers), else 6,
   * unless the system property {@code bytegrad.gemm.rows} says 4, 6 or 12. Six rows take twelve of AVX2's
   * sixteen registers; a JIT that schedules the six broadcasts of A ahead of the multiply-adds spills
   * accumulators, and 4 is the way out (JDK 25's C2 did so while the tile's loop counted p and indexed A
   * with {@code p * 6}: 38 GFLOP/s against 58 for four rows; see {@link GemmTiles#tile6} for the loop that
   * fixed it). Twelve rows take 24 of AVX-512's 32 (see {@link GemmTiles#tile12}). The tile shape does not
   * change any result's bits.
   */
  static final int ROWS = rows(System.getProperty("bytegrad.gemm.rows"));
  /**
   * The longest block of k a tile multiplies at once: a tile of A (6 x 256 floats, 6 KiB) and a panel's
   * block (256 x 16 floats, 16 KiB) fit in L1 together. Longer products are split into equal blocks.
   */
  static final int KC = 256;
  /** Panels multiplied per block of k: 32 panels' blocks (512 KiB) stay in L2 across all row tiles. */
  static final int PANEL_GROUP = 32;
  /**
   * Below this many flops a product runs on the calling thread alone: waking workers costs more. Products
   * of a few hundred thousand flops still pay for a second thread: the char-RNN's 32 x 128 x 128 (1 MFLOP)
   * steps on two threads took 0.87 (JDK 17) and 0.83 (JDK 25) of their time with this at 300,000 rather
   * than 2,000,000; at 150,000 they were slower again (1.03), and the MLP, char-LSTM, LeNet and softmax
   * steps did not change (0.99-1.00). The MLP's three products of 327,680 flops (64 x 256 x 10, each way)
   * do not pay: timed one by one, they took 9.8, 10.4 and 8.8 us on one thread and 15.9, 12.5 and 9.9 us
   * split over two, so they stay below this.
   */
  private static final long PARALLEL_FLOPS = 400_000;
  private final long parallelFlops;
  /** Rows of this kernel's register tiles: 4 or 6. */
  private final int rows;
  private final ScalarGemm scalar = new ScalarGemm();
  private final WorkerPool pool;
  /** Packed B kept by {@link #sgemmConstantB} is valid only in the epoch it was packed in. */
  private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();
  /** Each calling thread's product: its arguments, packed B and edge tiles, reused call after call. */
  private final ThreadLocal<TiledProduct> products;
  /** Each calling thread's skinny product (see {@link SkinnyProduct}), likewise. */
  private final ThreadLocal<SkinnyProduct> skinnies = ThreadLocal.withInitial(SkinnyProduct::new);

  VectorGemm() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** A kernel that splits large products over {@code threads} threads, the caller included. */
  VectorGemm(int threads) {
    this(threads, PARALLEL_FLOPS);
  }

  /** As {@link #VectorGemm(int)}, splitting products of at least {@code parallelFlops} flops (0: all of them). */
  VectorGemm(int threads, long parallelFlops) {
    this(threads, parallelFlops, ROWS);
  }

  /** As {@link #VectorGemm(int, long)}, with register tiles of {@code rows} rows (4, 6 or 12). */
  VectorGemm(int threads, long parallelFlops, int rows) {
    if (rows != 4 && rows != 6 && rows != 12) {
      throw new IllegalArgumentException("register tiles have 4, 6 or 12 rows, not " + rows);
    }
    this.parallelFlops = parallelFlops;
    this.rows = rows;
    this.pool = new WorkerPool(threads);
    this.products = ThreadLocal.withInitial(() -> new TiledProduct(pool.threads(), rows));
  }

  /**
   * The rows of register tiles the property's {@code text} asks for; when it is not set, 12 where vectors
   * hold sixteen floats or more, else 6.
   */
  static int rows(String text) {
    if (text == null) {
      return LANES >= 16 ? 12 : 6;
    }
    return switch (text.trim()) {
      case "4" -> 4;
      case "6" -> 6;
      case "12" -> 12;
      default -> throw new IllegalArgumentException("bytegrad.gemm.rows must be 4, 6 or 12, got '" + text + "'");
    };
  }

  /** Rows of this kernel's register tiles. */
  int rows() {
    return rows;
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

  /**
   * Packs B straight from the table when every panel's columns (or, transposed, every block of k) lie
   * within the table's rows, and the product is not one {@link SkinnyProduct} takes (it reads B in
   * place); otherwise the rows are gathered into a copy first.
   */
  @Override
  public void sgemmGathered(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, int lda,
      float[] table, int tableOffset, int rowLength, int[] rows, int rowsOffset, int ldb, float[] c, int cOffset, int ldc) {
    boolean packable = ldb % rowLength == 0 && (transB || rowLength % NR == 0);
    if (m == 0 || n == 0 || !packable || skinny(transA, transB, m, n, k)) {
      GemmKernel.super.sgemmGathered(transA, transB, m, n, k, a, aOffset, lda, table, tableOffset, rowLength, rows,
          rowsOffset, ldb, c, cOffset, ldc);
      return;
    }
    TiledProduct product = products.get();
    product.set(transA, transB, m, n, k, a, aOffset, lda, table, tableOffset, ldb, c, cOffset, ldc);
    product.gatherRows(rows, rowsOffset, rowLength);
    tiled(product, m, n, k);
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
    if (skinny(transA, transB, m, n, k)) {
      SkinnyProduct skinny = skinnies.get();
      skinny.set(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
      pool.run(skinny, 2L * m * n * k < parallelFlops ? 1 : skinny.blocks());
      return;
    }
    TiledProduct product = products.get();
    product.set(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    if (constantB) {
      product.useKept(epoch.get());
    }
    tiled(product, m, n, k);
  }

  /** Whether {@link SkinnyProduct} computes this product rather than {@link TiledProduct}. */
  private static boolean skinny(boolean transA, boolean transB, int m, int n, int k) {
    return !transB && n <= SkinnyProduct.COLUMNS && k >= LANES || SkinnyProduct.isDotProduct(transA, transB, m, n, k);
  }

  /** Runs {@code product}, set up, on the pool: split by panels or by row tiles, or on this thread alone. */
  private void tiled(TiledProduct product, int m, int n, int k) {
    int panels = (n + NR - 1) / NR;
    int tiles = product.tileCount(m);
    boolean splitRows = panels < pool.threads() && panels < tiles || pool.threads() > 1 && n <= m && tiles >= pool.threads();
    if (cutsK(m, n, k)) {
      product.splitK();
      pool.run(product, 2L * m * n * k < parallelFlops ? 1 : 2 * panels);
      product.addPartial();
    } else if (2L * m * n * k < parallelFlops) {
      pool.run(product, 1);
    } else if (!splitRows) {
      if (panels > 1 && pool.idle()) {
        product.shareA(pool);
      }
      pool.run(product, panels);
    } else {
      // few columns (a softmax's ten classes), or no more columns than rows (a weight gradient): pack B,
      // the smaller operand, once here, and split the rows instead
      product.packAll();
      pool.run(product, tiles);
    }
  }

  /**
   * Whether a product's k is cut in two halves ({@link TiledProduct#splitK}): a long k over few rows of A
   * (at least {@code 2 * KC} and eight times m, such as a dense layer's input width over its batch), in a
   * product large enough to split. Only the shape decides, so the results are the same for any number of threads.
   */
  static boolean cutsK(int m, int n, int k) {
    return k >= 2 * KC && 8L * m <= k && 2L * m * n * k >= PARALLEL_FLOPS;
  }

  @Override
  public void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc) {
    scalar.dgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }
}
