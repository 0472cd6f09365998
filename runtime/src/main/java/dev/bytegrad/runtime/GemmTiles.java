package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled micro-kernels {@link VectorGemm} is built from, multiplying the panels that
 * {@link GemmPacking} lays out. Each kernel sums every element in k order with fused multiply-adds,
 * starting from zero or, to continue a sum over an earlier block of k, from the tile of C
 * ({@code accumulate}); so neither the tile shape chosen for a row nor the blocking of k changes its bits.
 */
final class GemmTiles {
  private static final VectorSpecies<Float> SPECIES = VectorGemm.SPECIES;
  private static final int LANES = VectorGemm.LANES;
  private static final int NR = VectorGemm.NR;

  /** A vector's worth of zeros, which {@link #start} loads for a tile's first block of k. */
  private static final float[] ZEROS = new float[LANES];

  private GemmTiles() {}

  /**
   * Six rows of C times one panel, at {@code c[cOffset + r*ldc + jj]}: written, or added to when
   * {@code accumulate}. The tile of A is {@code a[p*6 + r]}, indexed from zero: an offset added to that
   * index cost the kernel 15% (the JIT's bounds checks and addressing). The loop steps that index itself,
   * six at a time, rather than counting p and multiplying: C2 turns {@code p * 6} into two shifts and an
   * add, no longer sees a multiple of the loop variable, and so checked A's bounds on every step; and on
   * JDK 25 it then scheduled the broadcasts ahead of the multiply-adds and spilled two accumulators. Stepping
   * the index, the checks leave the loop and nothing spills: 1.13-1.22x as fast on JDK 17, 1.76x on JDK 25
   * (one thread, 6 x 256 tiles by 16 panels in L2, median of 30 rounds alternating the two).
   */
  static void tile6(float[] a, int k, float[] packed, int panelBase, float[] c, int cOffset, int ldc, boolean accumulate) {
    FloatVector c00 = start(c, cOffset, accumulate);
    FloatVector c01 = start(c, cOffset + LANES, accumulate);
    FloatVector c10 = start(c, cOffset + ldc, accumulate);
    FloatVector c11 = start(c, cOffset + ldc + LANES, accumulate);
    FloatVector c20 = start(c, cOffset + 2 * ldc, accumulate);
    FloatVector c21 = start(c, cOffset + 2 * ldc + LANES, accumulate);
    FloatVector c30 = start(c, cOffset + 3 * ldc, accumulate);
    FloatVector c31 = start(c, cOffset + 3 * ldc + LANES, accumulate);
    FloatVector c40 = start(c, cOffset + 4 * ldc, accumulate);
    FloatVector c41 = start(c, cOffset + 4 * ldc + LANES, accumulate);
    FloatVector c50 = start(c, cOffset + 5 * ldc, accumulate);
    FloatVector c51 = start(c, cOffset + 5 * ldc + LANES, accumulate);
    int bp = panelBase;
    for (int ap = 0, end = 6 * k; ap < end; ap += 6, bp += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, packed, bp);
      FloatVector b1 = FloatVector.fromArray(SPECIES, packed, bp + LANES);
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

  /**
   * Twelve rows of C times one panel, the tile of A at {@code a[p*12 + r]}, for AVX-512's 32 registers:
   * 24 accumulators, two vectors of B and a broadcast of A. Each step loads two vectors of B for 24
   * multiply-adds where {@link #tile6} loads them for 12, so more of the steps go to arithmetic: 167
   * against 137-142 GFLOP/s on JDK 17, 180 against 139-148 on JDK 25 (a Xeon with AVX-512, one thread,
   * 12 x 256 tiles by 16 panels in L2, in a scratch harness; the processor's peak is 222). The
   * accumulators are named {@code c<row><vector>}.
   */
  static void tile12(float[] a, int k, float[] packed, int panelBase, float[] c, int cOffset, int ldc, boolean accumulate) {
    FloatVector c00 = start(c, cOffset, accumulate);
    FloatVector c01 = start(c, cOffset + LANES, accumulate);
    FloatVector c10 = start(c, cOffset + ldc, accumulate);
    FloatVector c11 = start(c, cOffset + ldc + LANES, accumulate);
    FloatVector c20 = start(c, cOffset + 2 * ldc, accumulate);
    FloatVector c21 = start(c, cOffset + 2 * ldc + LANES, accumulate);
    FloatVector c30 = start(c, cOffset + 3 * ldc, accumulate);
    FloatVector c31 = start(c, cOffset + 3 * ldc + LANES, accumulate);
    FloatVector c40 = start(c, cOffset + 4 * ldc, accumulate);
    FloatVector c41 = start(c, cOffset + 4 * ldc + LANES, accumulate);
    FloatVector c50 = start(c, cOffset + 5 * ldc, accumulate);
    FloatVector c51 = start(c, cOffset + 5 * ldc + LANES, accumulate);
    FloatVector c60 = start(c, cOffset + 6 * ldc, accumulate);
    FloatVector c61 = start(c, cOffset + 6 * ldc + LANES, accumulate);
    FloatVector c70 = start(c, cOffset + 7 * ldc, accumulate);
    FloatVector c71 = start(c, cOffset + 7 * ldc + LANES, accumulate);
    FloatVector c80 = start(c, cOffset + 8 * ldc, accumulate);
    FloatVector c81 = start(c, cOffset + 8 * ldc + LANES, accumulate);
    FloatVector c90 = start(c, cOffset + 9 * ldc, accumulate);
    FloatVector c91 = start(c, cOffset + 9 * ldc + LANES, accumulate);
    FloatVector c100 = start(c, cOffset + 10 * ldc, accumulate);
    FloatVector c101 = start(c, cOffset + 10 * ldc + LANES, accumulate);
    FloatVector c110 = start(c, cOffset + 11 * ldc, accumulate);
    FloatVector c111 = start(c, cOffset + 11 * ldc + LANES, accumulate);
    int bp = panelBase;
    for (int ap = 0, end = 12 * k; ap < end; ap += 12, bp += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, packed, bp);
      FloatVector b1 = FloatVector.fromArray(SPECIES, packed, bp + LANES);
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
      FloatVector a6 = FloatVector.broadcast(SPECIES, a[ap + 6]);
      c60 = b0.fma(a6, c60);
      c61 = b1.fma(a6, c61);
      FloatVector a7 = FloatVector.broadcast(SPECIES, a[ap + 7]);
      c70 = b0.fma(a7, c70);
      c71 = b1.fma(a7, c71);
      FloatVector a8 = FloatVector.broadcast(SPECIES, a[ap + 8]);
      c80 = b0.fma(a8, c80);
      c81 = b1.fma(a8, c81);
      FloatVector a9 = FloatVector.broadcast(SPECIES, a[ap + 9]);
      c90 = b0.fma(a9, c90);
      c91 = b1.fma(a9, c91);
      FloatVector a10 = FloatVector.broadcast(SPECIES, a[ap + 10]);
      c100 = b0.fma(a10, c100);
      c101 = b1.fma(a10, c101);
      FloatVector a11 = FloatVector.broadcast(SPECIES, a[ap + 11]);
      c110 = b0.fma(a11, c110);
      c111 = b1.fma(a11, c111);
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
    c60.intoArray(c, cOffset + 6 * ldc);
    c61.intoArray(c, cOffset + 6 * ldc + LANES);
    c70.intoArray(c, cOffset + 7 * ldc);
    c71.intoArray(c, cOffset + 7 * ldc + LANES);
    c80.intoArray(c, cOffset + 8 * ldc);
    c81.intoArray(c, cOffset + 8 * ldc + LANES);
    c90.intoArray(c, cOffset + 9 * ldc);
    c91.intoArray(c, cOffset + 9 * ldc + LANES);
    c100.intoArray(c, cOffset + 10 * ldc);
    c101.intoArray(c, cOffset + 10 * ldc + LANES);
    c110.intoArray(c, cOffset + 11 * ldc);
    c111.intoArray(c, cOffset + 11 * ldc + LANES);
  }

  /**
   * Four rows of C times one panel, the tile of A at {@code a[p*4 + r]}, its loop stepping that index as
   * {@link #tile6}'s does: the remainder of a row count such as 64 = 10 * 6 + 4, and every tile when
   * {@link VectorGemm#ROWS} asks for four rows.
   */
  static void tile4(float[] a, int k, float[] packed, int panelBase, float[] c, int cOffset, int ldc, boolean accumulate) {
    FloatVector c00 = start(c, cOffset, accumulate);
    FloatVector c01 = start(c, cOffset + LANES, accumulate);
    FloatVector c10 = start(c, cOffset + ldc, accumulate);
    FloatVector c11 = start(c, cOffset + ldc + LANES, accumulate);
    FloatVector c20 = start(c, cOffset + 2 * ldc, accumulate);
    FloatVector c21 = start(c, cOffset + 2 * ldc + LANES, accumulate);
    FloatVector c30 = start(c, cOffset + 3 * ldc, accumulate);
    FloatVector c31 = start(c, cOffset + 3 * ldc + LANES, accumulate);
    int bp = panelBase;
    for (int ap = 0, end = 4 * k; ap < end; ap += 4, bp += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, packed, bp);
      FloatVector b1 = FloatVector.fromArray(SPECIES, packed, bp + LANES);
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

  /** A tile of fewer than four rows, {@code a[p*rows + r]}, times one panel, a row at a time. */
  static void tileRows(int rows, float[] a, int k, float[] packed, int panelBase, float[] c, int cOffset, int ldc,
      boolean accumulate) {
    for (int r = 0; r < rows; r++) {
      FloatVector c0 = start(c, cOffset + r * ldc, accumulate);
      FloatVector c1 = start(c, cOffset + r * ldc + LANES, accumulate);
      for (int p = 0; p < k; p++) {
        int bp = panelBase + p * NR;
        FloatVector ar = FloatVector.broadcast(SPECIES, a[p * rows + r]);
        c0 = FloatVector.fromArray(SPECIES, packed, bp).fma(ar, c0);
        c1 = FloatVector.fromArray(SPECIES, packed, bp + LANES).fma(ar, c1);
      }
      c0.intoArray(c, cOffset + r * ldc);
      c1.intoArray(c, cOffset + r * ldc + LANES);
    }
  }

  /**
   * An accumulator's first value: the partial sum at {@code c[offset]}, or zero, as one load either way
   * (of {@link #ZEROS} for zero). Written as a choice of two vectors, JDK 17's C2 merged them into one
   * value it compiled worse: a product over several blocks of k (the MLP's 64 x 256 x 784, four blocks)
   * ran at 83 GFLOP/s on an AVX-512 Xeon against 133 over one block (64 x 256 x 196); JDK 25 was not hurt.
   */
  private static FloatVector start(float[] c, int offset, boolean accumulate) {
    return FloatVector.fromArray(SPECIES, accumulate ? c : ZEROS, accumulate ? offset : 0);
  }
}
