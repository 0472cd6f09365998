package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The layouts {@link GemmTiles}' kernels read, made by {@link VectorGemm}: B in panels of {@code NR}
 * columns, contiguous along k, zero-padded past n (from B, transposed or not, or from a table whose rows
 * make B), and a tile of op(A) interleaved, {@code rows} floats a step of k.
 */
final class GemmPacking {
  private static final VectorSpecies<Float> SPECIES = VectorGemm.SPECIES;
  private static final int LANES = VectorGemm.LANES;
  private static final int NR = VectorGemm.NR;
  /** Rows of a transposed B packed at a time: a block of the panel is PACK_K x NR floats, 8 KiB with AVX-512. */
  private static final int PACK_K = 64;

  private GemmPacking() {}

  /**
   * Rows {@code p0} to {@code p1 - 1} of panels {@code firstPanel} to {@code lastPanel - 1} of op(B), row p of
   * panel q at {@code packed[base + (q - firstPanel) * panelStride + (p - originRow) * NR + jj] = op(B)[p][q*NR + jj]},
   * zeros past n: a whole B's panels in place ({@code base = firstPanel * NR * k}, {@code panelStride = NR * k},
   * origin row 0), or one block of k of a group of panels in a buffer of the group's size ({@code base = 0},
   * {@code panelStride = NR * (p1 - p0)}, origin p0).
   */
  static void pack(boolean transB, int n, int p0, int p1, float[] b, int bOffset, int ldb, float[] packed, int base,
      int firstPanel, int lastPanel, int panelStride, int originRow, int[] laneRows) {
    int fullPanels = Math.max(firstPanel, Math.min(n / NR, lastPanel));
    if (!transB) {
      // four rows at a time, each row of B read contiguously across the panels: each panel then receives
      // four rows' worth (256 bytes) in one place, rather than one row in each of as many panels
      int p = p0;
      for (; p + 4 <= p1; p += 4) {
        int source = bOffset + p * ldb;
        for (int panel = firstPanel; panel < fullPanels; panel++) {
          int target = base + (panel - firstPanel) * panelStride + (p - originRow) * NR;
          int column = source + panel * NR;
          for (int r = 0; r < 4; r++) {
            FloatVector.fromArray(SPECIES, b, column + r * ldb).intoArray(packed, target + r * NR);
            FloatVector.fromArray(SPECIES, b, column + r * ldb + LANES).intoArray(packed, target + r * NR + LANES);
          }
        }
      }
      for (; p < p1; p++) {
        int source = bOffset + p * ldb;
        for (int panel = firstPanel; panel < fullPanels; panel++) {
          int target = base + (panel - firstPanel) * panelStride + (p - originRow) * NR;
          FloatVector.fromArray(SPECIES, b, source + panel * NR).intoArray(packed, target);
          FloatVector.fromArray(SPECIES, b, source + panel * NR + LANES).intoArray(packed, target + LANES);
        }
      }
    } else {
      // B's rows are op(B)'s columns: a vector's worth of them at a time, gathered lane by lane (their
      // offsets in laneRows), one gather and one store a step of k; along k in blocks of PACK_K, so that the
      // block of the panel being written (PACK_K x NR floats) stays in L1 while its columns fill in
      for (int i = 0; i < LANES; i++) {
        laneRows[i] = i * ldb;
      }
      for (int panel = firstPanel; panel < fullPanels; panel++) {
        int start = base + (panel - firstPanel) * panelStride - originRow * NR;
        for (int q0 = p0; q0 < p1; q0 += PACK_K) {
          int q1 = Math.min(p1, q0 + PACK_K);
          for (int jj = 0; jj < NR; jj += LANES) {
            int source = bOffset + (panel * NR + jj) * ldb;
            int target = start + q0 * NR + jj;
            for (int p = q0; p < q1; p++, target += NR) {
              FloatVector.fromArray(SPECIES, b, source + p, laneRows, 0).intoArray(packed, target);
            }
          }
        }
      }
    }
    if (lastPanel * NR > n && lastPanel > firstPanel) {
      int start = base + (lastPanel - 1 - firstPanel) * panelStride - originRow * NR;
      for (int p = p0; p < p1; p++) {
        for (int jj = 0; jj < NR; jj++) {
          int j = (lastPanel - 1) * NR + jj;
          packed[start + p * NR + jj] = j >= n ? 0f : transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
        }
      }
    }
  }

  /**
   * {@link #pack} where B is made of rows of {@code table} ({@link GatheredRows}): every row of B
   * ({@code ldb} floats, a multiple of {@code rowLength}) is whole rows of the table, and without
   * {@code transB} a panel's {@code NR} columns lie within one of them ({@code rowLength} a multiple of
   * NR), so each is copied as it would be from B; transposed, each block of k is split where table rows
   * meet.
   */
  static void packGathered(boolean transB, int n, int p0, int p1, float[] table, int tableOffset, int rowLength, int[] rows,
      int rowsOffset, int ldb, float[] packed, int base, int firstPanel, int lastPanel, int panelStride, int originRow,
      int[] laneRows) {
    int fullPanels = Math.max(firstPanel, Math.min(n / NR, lastPanel));
    int perRow = ldb / rowLength;
    if (!transB) {
      for (int p = p0; p < p1; p++) {
        int rowBase = rowsOffset + p * perRow;
        for (int panel = firstPanel; panel < fullPanels; panel++) {
          int j = panel * NR;
          int source = tableOffset + rows[rowBase + j / rowLength] * rowLength + j % rowLength;
          int target = base + (panel - firstPanel) * panelStride + (p - originRow) * NR;
          FloatVector.fromArray(SPECIES, table, source).intoArray(packed, target);
          FloatVector.fromArray(SPECIES, table, source + LANES).intoArray(packed, target + LANES);
        }
      }
    } else {
      // op(B)'s column j is B's row j: the table's rows rows[j * perRow + q / rowLength], q along k. A
      // vector's worth of columns at a time, gathered lane by lane from as many table rows (their offsets in
      // laneRows): one gather and one store a step of k, where copying a float at a time took 0.37 of the
      // time of LeNet's second kernel gradient
      for (int panel = firstPanel; panel < fullPanels; panel++) {
        int start = base + (panel - firstPanel) * panelStride - originRow * NR;
        for (int q0 = p0; q0 < p1; ) {
          // a block of PACK_K, as from B, ended early where a table row does
          int q1 = Math.min(Math.min(p1, q0 + PACK_K), (q0 / rowLength + 1) * rowLength);
          int piece = rowsOffset + q0 / rowLength;
          int shift = tableOffset + q0 % rowLength - q0;
          for (int jj = 0; jj < NR; jj += LANES) {
            int j = panel * NR + jj;
            for (int lane = 0; lane < LANES; lane++) {
              laneRows[lane] = rows[piece + (j + lane) * perRow] * rowLength;
            }
            int target = start + q0 * NR + jj;
            for (int p = q0; p < q1; p++, target += NR) {
              FloatVector.fromArray(SPECIES, table, shift + p, laneRows, 0).intoArray(packed, target);
            }
          }
          q0 = q1;
        }
      }
    }
    if (lastPanel * NR > n && lastPanel > firstPanel) {
      int start = base + (lastPanel - 1 - firstPanel) * panelStride - originRow * NR;
      for (int p = p0; p < p1; p++) {
        for (int jj = 0; jj < NR; jj++) {
          int j = (lastPanel - 1) * NR + jj;
          packed[start + p * NR + jj] = j >= n ? 0f
              : GatheredRows.at(table, tableOffset, rowLength, rows, rowsOffset, transB ? j * ldb + p : p * ldb + j);
        }
      }
    }
  }

  /** Rows {@code 0..rows-1} of a tile of op(A), k long, interleaved: {@code panel[panelBase + p * rows + r]}. */
  static void packA(float[] a, int aBase, int strideI, int strideP, int k, int rows, float[] panel, int panelBase) {
    if (k > 0 && (rows == 12 || rows == 6 || rows == 4)) {
      if (strideP == 1) {
        packRows(a, aBase, strideI, k, rows, panel, panelBase);
        return;
      } else if (strideI == 1) {
        packColumns(a, aBase, strideP, k, rows, panel, panelBase);
        return;
      }
    }
    for (int p = 0; p < k; p++) {
      int source = aBase + p * strideP;
      int target = panelBase + p * rows;
      for (int r = 0; r < rows; r++) {
        panel[target + r] = a[source + r * strideI];
      }
    }
  }

  /**
   * {@link #packA} for rows of A that lie along k ({@code strideP == 1}): one row at a time, read
   * contiguously and written every {@code rows} floats. The loop steps the target index, so that the JIT
   * hoists its bounds checks ({@code p * 6} hides the multiple of the loop variable, as in {@link GemmTiles#tile6}):
   * 0.68 of the time of six rows read side by side (a 64 x 784 A in blocks of 196, one thread, JDK 17 and 25).
   */
  private static void packRows(float[] a, int aBase, int strideI, int k, int rows, float[] panel, int panelBase) {
    int end = panelBase + rows * k;
    for (int r = 0; r < rows; r++) {
      int q = aBase + r * strideI;
      // a constant step, so that the JIT counts the loop (and hoists its checks)
      if (rows == 12) {
        for (int t = panelBase + r; t < end; t += 12, q++) {
          panel[t] = a[q];
        }
      } else if (rows == 6) {
        for (int t = panelBase + r; t < end; t += 6, q++) {
          panel[t] = a[q];
        }
      } else {
        for (int t = panelBase + r; t < end; t += 4, q++) {
          panel[t] = a[q];
        }
      }
    }
  }

  /**
   * {@link #packA} for op(A) = A^T ({@code strideI == 1}), where each step of k reads {@code rows} adjacent
   * floats of a row of A: a whole vector is copied a step, each store overwriting the previous one's
   * surplus, and the steps whose vector would pass the tile's end or A's end are copied a float at a time.
   * The tile never writes outside its own {@code rows * k} floats, so threads may pack neighbouring tiles
   * of one buffer. 0.23 of the time of six scalar copies a step (the MLP's weight gradient, 784 x 64 of A^T).
   */
  private static void packColumns(float[] a, int aBase, int strideP, int k, int rows, float[] panel, int panelBase) {
    int steps = 0;
    if (rows * k >= LANES && a.length - aBase >= LANES) {
      // steps p with rows * p + LANES <= rows * k (inside the tile) and aBase + p * strideP + LANES <= a.length
      steps = Math.min(k, Math.min((rows * k - LANES) / rows, (a.length - aBase - LANES) / strideP) + 1);
    }
    int q = aBase;
    int t = panelBase;
    int end = panelBase + rows * steps;
    if (rows == 12) {
      for (; t < end; t += 12, q += strideP) {
        FloatVector.fromArray(SPECIES, a, q).intoArray(panel, t);
      }
    } else if (rows == 6) {
      for (; t < end; t += 6, q += strideP) {
        FloatVector.fromArray(SPECIES, a, q).intoArray(panel, t);
      }
    } else {
      for (; t < end; t += 4, q += strideP) {
        FloatVector.fromArray(SPECIES, a, q).intoArray(panel, t);
      }
    }
    for (int p = steps; p < k; p++, t += rows, q += strideP) {
      for (int r = 0; r < rows; r++) {
        panel[t + r] = a[q + r];
      }
    }
  }
}
