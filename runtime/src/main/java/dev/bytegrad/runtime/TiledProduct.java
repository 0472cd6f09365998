package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;

/**
 * One product's arguments, split by column panels of C (part {@code i} packs its own panels of B and
 * computes every row of C for them); when B has fewer panels than there are threads or C no more
 * columns than rows, by row tiles over a B packed beforehand; when k is long over few rows of A, by
 * halves of k ({@link #splitK}), the second summed into a buffer of its own and added at the end. Parts
 * share nothing they write, and each element of C is computed in the same order whatever the number of
 * parts (bitwise-identical results).
 * {@link VectorGemm} chooses the split; this class holds the blocking, the packing and the tiles.
 */
final class TiledProduct implements WorkerPool.Job {
  private static final int NR = VectorGemm.NR;
  private static final int KC = VectorGemm.KC;
  private static final int PANEL_GROUP = VectorGemm.PANEL_GROUP;

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
  /** Each part's table offsets of a vector's worth of B's rows, for {@link GemmPacking#packGathered}. */
  private final int[][] laneRows;
  /**
   * Each part's block of k of a group of panels, packed just before use when B is not kept whole: a
   * buffer of the group's size (at most 512 KiB) stays in L2 from one block to the next, where writing
   * each block into a whole B's panels streamed megabytes through the caches (LeNet's 500 x 4096
   * im2col: packing took 28% of the product).
   */
  private final float[][] groupPanels;
  /** Whether {@link #panels} is a kept slot being filled in this call: packed whole, in place. */
  private boolean keeping;
  /**
   * All of op(A), packed tile after tile over the whole of k (the tile at row i, h rows high, at
   * {@code sharedA[i*k + p*h + r]}), when a product split by panels packs it once for every part
   * ({@link #shareA}) rather than each part packing every tile again: at two threads the copies were a
   * fifth of the MLP's products.
   */
  private float[] sharedA = new float[0];
  private boolean aShared;
  /** Whether {@link #run} packs tiles of A into {@link #sharedA} (the first of the two jobs) or multiplies. */
  private boolean packingA;
  /** Each part's row tile of op(A), packed: {@code aPanels[part][p * h + r] = op(A)[i + r][p]} for a tile of h rows. */
  private final float[][] aPanels;
  private float[] packed = new float[0];
  private boolean packedAll;
  /**
   * Whether k is cut in two halves ({@link #splitK}): the first half's sums go to C, the second's to
   * {@link #partial}, and {@link #addPartial} adds them.
   */
  private boolean halves;
  /** The second half's sums when k is cut in two, {@code n} floats a row. */
  private float[] partial = new float[0];
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
  /** When B is made of a table's rows ({@link GatheredRows}, {@link #b} the table): which rows, else null. */
  private int[] gathered;
  private int rowsOffset;
  private int rowLength;

  /** The rows of a full register tile: 4, 6 or 12. */
  private final int rows;

  TiledProduct(int threads, int rows) {
    this.rows = rows;
    edges = new float[threads][rows * NR];
    laneRows = new int[threads][VectorGemm.LANES];
    aPanels = new float[threads][0];
    groupPanels = new float[threads][0];
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
    this.packedAll = false;
    this.panels = packed;
    this.prepacked = false;
    this.keeping = false;
    this.aShared = false;
    this.gathered = null;
    this.halves = false;
  }

  /** B is made of rows {@code rows[rowsOffset...]} of the table passed as B, each {@code rowLength} floats. */
  void gatherRows(int[] rows, int rowsOffset, int rowLength) {
    this.gathered = rows;
    this.rowsOffset = rowsOffset;
    this.rowLength = rowLength;
  }

  /** {@link GemmPacking#pack} from B, or from the table its rows are gathered from. */
  private void pack(int p0, int p1, float[] packed, int base, int firstPanel, int lastPanel, int panelStride, int originRow,
      int part) {
    if (gathered == null) {
      GemmPacking.pack(transB, n, p0, p1, b, bOffset, ldb, packed, base, firstPanel, lastPanel, panelStride, originRow,
          laneRows[part]);
    } else {
      GemmPacking.packGathered(transB, n, p0, p1, b, bOffset, rowLength, gathered, rowsOffset, ldb, packed, base, firstPanel,
          lastPanel, panelStride, originRow, laneRows[part]);
    }
  }

  /**
   * Packs all of op(A) into {@link #sharedA} on {@code pool}, the row tiles split among the parts, for
   * the parts of the multiplication to read.
   */
  void shareA(WorkerPool pool) {
    if (sharedA.length < m * k) {
      sharedA = new float[m * k];
    }
    packingA = true;
    int tiles = tileCount(m);
    try {
      pool.run(this, tiles);
    } finally {
      packingA = false;
    }
    aShared = true;
  }

  /** Part {@code part} of {@code parts} of the tiles of op(A), into {@link #sharedA}. */
  private void packShared(int part, int parts) {
    int tiles = tileCount(m);
    int firstTile = (int) ((long) tiles * part / parts);
    int lastTile = (int) ((long) tiles * (part + 1) / parts);
    int strideI = transA ? 1 : lda;
    int strideP = transA ? lda : 1;
    int rows;
    int tile = 0;
    for (int i = 0; i < m && tile < lastTile; i += rows, tile++) {
      rows = tileRows(i, m);
      if (tile >= firstTile) {
        GemmPacking.packA(a, aOffset + i * strideI, strideI, strideP, k, rows, sharedA, i * k);
      }
    }
  }

  /**
   * The rows of the tile at row {@code i} of rows ending at {@code end}: a full tile; of fewer rows than
   * that, six (when tiles have twelve), or of the last eight rows two tiles of four (32 = 4 x 6 + 2 x 4),
   * of the last five four and one; each kernel reads a tile of its own height.
   */
  private int tileRows(int i, int end) {
    int left = end - i;
    if (rows == 12 && left >= 12) {
      return 12;
    }
    return left == 8 || left == 5 ? 4 : Math.min(Math.min(rows, 6), left);
  }

  /** How many tiles rows {@code 0..end-1} make. */
  int tileCount(int end) {
    int tiles = 0;
    for (int i = 0; i < end; i += tileRows(i, end)) {
      tiles++;
    }
    return tiles;
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
    keeping = true;
  }

  /**
   * Cuts k in two halves computed apart, each over every panel, and summed by {@link #addPartial} once
   * both are done, so that the threads can split the product by halves of k: each then reads only its
   * half of B's rows. A layer's weights B are updated by kernels split by rows (its gradient, a product
   * with no more columns than rows, and the optimizer's elementwise update), so each half is already
   * in the cache of the core that reads it; split by column panels instead, every core read half of
   * each row from the other's cache (the MLP's 64 x 256 x 784 product took 151 us of a two-thread step
   * that it ran in 125 alone, and the update gained nothing from the second thread; in halves of k the
   * step went from 1.4 to 1.8 times faster on two threads than on one). Whether k is cut depends on the
   * shape alone ({@link VectorGemm}), never on the threads, so the sums are the same for any number of them.
   */
  void splitK() {
    halves = true;
    if (partial.length < m * n) {
      partial = new float[m * n];
    }
  }

  /** Ends a product whose k was cut in two: C (the first half's sums) plus the second half's. */
  void addPartial() {
    for (int i = 0; i < m; i++) {
      int row = cOffset + i * ldc;
      int from = i * n;
      int j = 0;
      for (int end = VectorGemm.SPECIES.loopBound(n); j < end; j += VectorGemm.LANES) {
        FloatVector.fromArray(VectorGemm.SPECIES, c, row + j).add(FloatVector.fromArray(VectorGemm.SPECIES, partial, from + j))
            .intoArray(c, row + j);
      }
      for (; j < n; j++) {
        c[row + j] += partial[from + j];
      }
    }
  }

  /** Where the first half of k ends when it is cut in two. */
  private int half() {
    return k / 2;
  }

  /** Packs all of B now, so that {@link #run} splits rows rather than panels. */
  void packAll() {
    if (!keeping && !prepacked) {
      int size = (n + NR - 1) / NR * NR * k;
      if (packed.length < size) {
        packed = new float[size];
      }
      panels = packed;
    }
    if (!prepacked) {
      pack(0, k, panels, 0, 0, (n + NR - 1) / NR, NR * k, 0, 0);
    }
    packedAll = true;
  }

  @Override
  public void run(int part, int parts) {
    if (packingA) {
      packShared(part, parts);
      return;
    }
    int panels = (n + NR - 1) / NR;
    if (halves) {
      // the parts share out the pairs (half of k, panel), the first half's panels first
      int firstItem = (int) ((long) 2 * panels * part / parts);
      int lastItem = (int) ((long) 2 * panels * (part + 1) / parts);
      int first = Math.min(firstItem, panels);
      int last = Math.min(lastItem, panels);
      if (first < last) {
        multiply(part, first, last, 0, m, 0, half(), c, cOffset, ldc);
      }
      first = Math.max(firstItem - panels, 0);
      last = Math.max(lastItem - panels, 0);
      if (first < last) {
        multiply(part, first, last, 0, m, half(), k, partial, 0, n);
      }
      return;
    }
    if (packedAll) {
      int tiles = (m + rows - 1) / rows;
      int firstRow = Math.min(m, (int) ((long) tiles * part / parts) * rows);
      int lastRow = Math.min(m, (int) ((long) tiles * (part + 1) / parts) * rows);
      multiply(part, 0, panels, firstRow, lastRow, 0, k, c, cOffset, ldc);
    } else {
      multiply(part, (int) ((long) panels * part / parts), (int) ((long) panels * (part + 1) / parts), 0, m, 0, k, c,
          cOffset, ldc);
    }
  }

  /**
   * Rows {@code firstRow..lastRow-1} of panels {@code first..last-1} of op(A) op(B) over k from {@code kStart}
   * to {@code kEnd}, into {@code target} ({@code ldTarget} floats a row from {@code targetOffset}).
   */
  private void multiply(int part, int first, int last, int firstRow, int lastRow, int kStart, int kEnd, float[] target,
      int targetOffset, int ldTarget) {
    // Blocks of panels, then blocks of k, outside; row tiles, then panels, inside: a tile of A (rows x KC)
    // stays in L1 while the panels' block (KC x NR each) streams from L2, where the whole block of
    // panels stays for every row tile, packed just before (unless kept or packed beforehand for a split
    // by rows). Each block of k continues the sums of the one before.
    boolean pack = !packedAll && !prepacked;
    boolean local = pack && !keeping;
    int length = kEnd - kStart;
    int blocks = Math.max(1, (length + KC - 1) / KC);
    int blockLength = Math.max(1, (length + blocks - 1) / blocks);
    if (local && groupPanels[part].length < PANEL_GROUP * NR * blockLength) {
      groupPanels[part] = new float[PANEL_GROUP * NR * blockLength];
    }
    for (int group = first; group < last; group += PANEL_GROUP) {
      int groupEnd = Math.min(last, group + PANEL_GROUP);
      int kc;
      for (int p0 = kStart; ; p0 += kc) {
        kc = Math.min(blockLength, kEnd - p0);
        float[] source = this.panels;
        // where panel q's block starts: panelZero + q * panelStride
        int panelStride = NR * k;
        int panelZero = p0 * NR;
        if (local) {
          source = groupPanels[part];
          panelStride = NR * kc;
          panelZero = -group * panelStride;
          pack(p0, p0 + kc, source, 0, group, groupEnd, panelStride, p0, part);
        } else if (pack) {
          pack(p0, p0 + kc, source, group * panelStride, group, groupEnd, panelStride, 0, part);
        }
        rowTiles(firstRow, lastRow, group, groupEnd, p0, kc, p0 > kStart, part, source, panelZero, panelStride, target,
            targetOffset, ldTarget);
        if (p0 + kc >= kEnd) {
          break;
        }
      }
    }
  }

  /**
   * Rows {@code firstRow..lastRow-1} times panels {@code first..last-1}, over k from {@code p0}, {@code kc}
   * long, into {@code out} ({@code ldOut} floats a row from {@code outOffset}): C, or the second half of k's sums.
   */
  private void rowTiles(int firstRow, int lastRow, int first, int last, int p0, int kc, boolean accumulate, int part,
      float[] panels, int panelZero, int panelStride, float[] out, int outOffset, int ldOut) {
    int strideI = transA ? 1 : lda;
    int strideP = transA ? lda : 1;
    float[] edge = edges[part];
    if (aPanels[part].length < this.rows * kc) {
      aPanels[part] = new float[this.rows * kc];
    }
    float[] aPanel = aPanels[part];
    int rows;
    for (int i = firstRow; i < lastRow; i += rows) {
      rows = tileRows(i, lastRow);
      // the tile's block of k into this part's own small panel: copied whole from the tiles packed by the
      // first job, or packed now
      if (aShared) {
        System.arraycopy(sharedA, i * k + p0 * rows, aPanel, 0, rows * kc);
      } else {
        GemmPacking.packA(a, aOffset + i * strideI + p0 * strideP, strideI, strideP, kc, rows, aPanel, 0);
      }
      for (int panel = first; panel < last; panel++) {
        int j = panel * NR;
        int columns = Math.min(NR, n - j);
        // a whole panel's columns go straight to C, whatever the rows; a partial panel through the edge tile
        boolean full = columns == NR;
        float[] target = full ? out : edge;
        int targetOffset = full ? outOffset + i * ldOut + j : 0;
        int targetStride = full ? ldOut : NR;
        if (!full && accumulate) {
          for (int r = 0; r < rows; r++) {
            System.arraycopy(out, outOffset + (i + r) * ldOut + j, edge, r * NR, columns);
          }
        }
        int panelBase = panelZero + panel * panelStride;
        if (rows == 12) {
          GemmTiles.tile12(aPanel, kc, panels, panelBase, target, targetOffset, targetStride, accumulate);
        } else if (rows == 6) {
          GemmTiles.tile6(aPanel, kc, panels, panelBase, target, targetOffset, targetStride, accumulate);
        } else if (rows == 4) {
          GemmTiles.tile4(aPanel, kc, panels, panelBase, target, targetOffset, targetStride, accumulate);
        } else {
          GemmTiles.tileRows(rows, aPanel, kc, panels, panelBase, target, targetOffset, targetStride, accumulate);
        }
        if (!full) {
          for (int r = 0; r < rows; r++) {
            System.arraycopy(edge, r * NR, out, outOffset + (i + r) * ldOut + j, columns);
          }
        }
      }
    }
  }
}
