package dev.bytegrad.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both GEMM kernels against a naive reference, on odd shapes (1, 7, 63, 65, 257, the models' 10 and
 * 784, a convolution kernel gradient's small C over a long k), both transposes, offsets and padded
 * leading dimensions.
 */
class GemmTest {
  static Stream<Arguments> cases() {
    int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {63, 65, 17}, {65, 1, 64}, {1, 257, 9}, {33, 10, 784}, {13, 17, 1},
        {6, 16, 5}, {0, 4, 3}, {4, 0, 3}, {4, 3, 0}, {64, 48, 20}, {10, 33, 5}, {17, 64, 31},
        {32, 40, 9}, {14, 33, 70}, {40, 12, 20}, {3, 16, 9}, {20, 25, 1031}, {3, 5, 2048}, {9, 7, 37}, {50, 10, 9}, {5, 7, 3100},
        {48, 7, 33}, {40, 70, 900}};
    return Stream.of(new ScalarGemm(), new VectorGemm(1, 2_000_000, 6), new VectorGemm(3, 0, 6), new VectorGemm(1, 2_000_000, 4),
        new VectorGemm(3, 0, 4), new VectorGemm(1, 2_000_000, 12), new VectorGemm(3, 0, 12)).flatMap(kernel ->
        Stream.of(shapes).map(s -> Arguments.of(kernel instanceof VectorGemm vector
            ? "VectorGemm, " + vector.rows() + "-row tiles, on " + kernel.threads() + " threads"
            : "ScalarGemm", kernel, s[0], s[1], s[2])));
  }

  @Test
  void theBuildRunsTestsWithTheVectorKernel() {
    assertThat(Gemm.implementation()).as("surefire starts the JVM with --add-modules jdk.incubator.vector").isEqualTo("vector");
  }

  @ParameterizedTest(name = "{0} {2}x{3}x{4}")
  @MethodSource("cases")
  void sgemmAndDgemm_matchTheNaiveProduct(String name, GemmKernel kernel, int m, int n, int k) {
    SplittableRandom random = new SplittableRandom(m * 31 + n * 7 + k);
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 1;
        double[] a = random(random, 5 + lda * Math.max(transA ? k : m, 1));
        double[] b = random(random, 4 + ldb * Math.max(transB ? n : k, 1));
        double[] c = new double[7 + ldc * Math.max(m, 1)];
        java.util.Arrays.fill(c, 99);
        kernel.dgemm(transA, transB, m, n, k, a, 5, lda, b, 4, ldb, c, 7, ldc);
        float[] cf = new float[c.length];
        java.util.Arrays.fill(cf, 99);
        kernel.sgemm(transA, transB, m, n, k, floats(a), 5, lda, floats(b), 4, ldb, cf, 7, ldc);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double expected = 0;
            for (int p = 0; p < k; p++) {
              expected += (transA ? a[5 + p * lda + i] : a[5 + i * lda + p]) * (transB ? b[4 + j * ldb + p] : b[4 + p * ldb + j]);
            }
            assertThat(c[7 + i * ldc + j]).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9));
            assertThat((double) cf[7 + i * ldc + j]).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-3));
          }
          if (n < ldc) {
            assertThat(c[7 + i * ldc + n]).as("padding after row %d stays untouched", i).isEqualTo(99);
            assertThat(cf[7 + i * ldc + n]).as("f32 padding after row %d stays untouched", i).isEqualTo(99f);
          }
        }
        assertThat(c[6]).isEqualTo(99);
      }
    }
  }

  @Test
  void packA_copiesExactlyItsTile_forBothLayouts_upToTheEndOfA() {
    SplittableRandom random = new SplittableRandom(5);
    for (int rows : new int[] {4, 6, 12}) {
      for (int k = 1; k <= 21; k++) {
        for (int stride : new int[] {rows, rows + 1, 13}) {
          // without slack, A's last element is the tile's last: no vector may be read past it; with slack,
          // no vector may be written past the tile
          for (int slack : new int[] {0, 16}) {
            float[] a = floats(random(random, 2 + stride * (k - 1) + rows + slack));
            float[] b = floats(random(random, 2 + stride * (rows - 1) + k + slack));
            float[] transposed = new float[3 + 2 * rows * k + 5];
            float[] alongK = new float[transposed.length];
            java.util.Arrays.fill(transposed, -7f);
            java.util.Arrays.fill(alongK, -7f);
            GemmPacking.packA(a, 2, 1, stride, k, rows, transposed, 3);
            GemmPacking.packA(b, 2, stride, 1, k, rows, alongK, 3);
            for (int t = 0; t < transposed.length; t++) {
              int p = (t - 3) / rows;
              int r = (t - 3) % rows;
              boolean inside = t >= 3 && t < 3 + rows * k;
              assertThat(transposed[t]).as("A^T, %d rows, k %d, stride %d, slack %d, float %d", rows, k, stride, slack, t)
                  .isEqualTo(inside ? a[2 + p * stride + r] : -7f);
              assertThat(alongK[t]).as("A, %d rows, k %d, stride %d, slack %d, float %d", rows, k, stride, slack, t)
                  .isEqualTo(inside ? b[2 + r * stride + p] : -7f);
            }
          }
        }
      }
    }
  }

  @Test
  void threads_splitLargeProducts_withBitwiseIdenticalResults() {
    SplittableRandom random = new SplittableRandom(5);
    int m = 70;
    int n = 300;
    int k = 129;
    float[] a = floats(random(random, m * k));
    float[] b = floats(random(random, k * n));
    float[] alone = new float[m * n];
    new VectorGemm(1).sgemm(false, true, m, n, k, a, 0, k, b, 0, k, alone, 0, n);
    for (int threads : new int[] {2, 3, 8}) {
      float[] split = new float[m * n];
      VectorGemm kernel = new VectorGemm(threads);
      assertThat(kernel.threads()).isEqualTo(threads);
      for (int repeat = 0; repeat < 20; repeat++) {
        kernel.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, split, 0, n);
        assertThat(split).as("%d threads, call %d", threads, repeat).isEqualTo(alone);
      }
    }
  }

  @Test
  void tileHeights_giveTheSameBits_onEveryRowRemainder() {
    SplittableRandom random = new SplittableRandom(7);
    int k = 300;
    // 40 columns split by panels over the threads, op(A) packed by both; 16 columns, one panel, by rows
    for (int n : new int[] {16, 40}) {
      for (int m : new int[] {1, 4, 5, 6, 7, 8, 11, 13, 17, 20, 23, 24, 64, 65}) {
        for (boolean transA : new boolean[] {false, true}) {
          float[] a = floats(random(random, m * k));
          float[] b = floats(random(random, k * n));
          int lda = transA ? m : k;
          float[] six = new float[m * n];
          float[] four = new float[m * n];
          float[] twelve = new float[m * n];
          new VectorGemm(1, 0, 6).sgemm(transA, false, m, n, k, a, 0, lda, b, 0, n, six, 0, n);
          new VectorGemm(2, 0, 4).sgemm(transA, false, m, n, k, a, 0, lda, b, 0, n, four, 0, n);
          new VectorGemm(2, 0, 12).sgemm(transA, false, m, n, k, a, 0, lda, b, 0, n, twelve, 0, n);
          assertThat(four).as("%d x %d, A transposed: %b, 4 rows", m, n, transA).isEqualTo(six);
          assertThat(twelve).as("%d x %d, A transposed: %b, 12 rows", m, n, transA).isEqualTo(six);
        }
      }
    }
  }

  @Test
  void tileHeights_otherThanFourSixOrTwelve_areRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new VectorGemm(1, 0, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4, 6 or 12 rows, not 5");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> VectorGemm.rows("five"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytegrad.gemm.rows must be 4, 6 or 12, got 'five'");
  }

  @Test
  void tileHeight_isTwelveWithAvx512_elseSix_unlessThePropertySaysOtherwise() {
    assertThat(VectorGemm.rows(null)).isEqualTo(VectorGemm.LANES >= 16 ? 12 : 6);
    assertThat(VectorGemm.rows("6")).isEqualTo(6);
    assertThat(VectorGemm.rows(" 4 ")).isEqualTo(4);
    assertThat(VectorGemm.rows("12")).isEqualTo(12);
  }

  @Test
  void threads_splitRowsOfAWeightGradient_withBitwiseIdenticalResults() {
    // 300 x 70 over k = 64, as a layer's weight gradient X^T dY: no more columns than rows, so two or more
    // threads split its rows over a B packed once, where wider products split column panels
    SplittableRandom random = new SplittableRandom(10);
    int m = 300;
    int n = 70;
    int k = 64;
    float[] a = floats(random(random, m * k));
    float[] b = floats(random(random, k * n));
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        float[] alone = new float[m * n];
        new VectorGemm(1).sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, alone, 0, n);
        for (int threads : new int[] {2, 3}) {
          VectorGemm kernel = new VectorGemm(threads);
          for (int repeat = 0; repeat < 3; repeat++) {
            float[] split = new float[m * n];
            kernel.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, split, 0, n);
            assertThat(split).as("%d threads, A transposed %b, B transposed %b", threads, transA, transB).isEqualTo(alone);
          }
        }
      }
    }
  }

  @Test
  void threads_splitRowsWhenThereAreFewColumns_withBitwiseIdenticalResults() {
    SplittableRandom random = new SplittableRandom(6);
    int m = 257;
    int n = 10;
    int k = 784;
    float[] a = floats(random(random, m * k));
    float[] b = floats(random(random, k * n));
    for (boolean transA : new boolean[] {false, true}) {
      int lda = transA ? m : k;
      float[] alone = new float[m * n];
      new VectorGemm(1).sgemm(transA, false, m, n, k, a, 0, lda, b, 0, n, alone, 0, n);
      for (int threads : new int[] {2, 5}) {
        float[] split = new float[m * n];
        new VectorGemm(threads).sgemm(transA, false, m, n, k, a, 0, lda, b, 0, n, split, 0, n);
        assertThat(split).as("%d threads, A transposed: %b", threads, transA).isEqualTo(alone);
      }
    }
  }

  @Test
  void tiledProducts_sumEachElementInKOrder_acrossBlocksOfK_orAsTwoHalvesOfK() {
    // k = 700 runs as blocks of k (VectorGemm.KC), each continuing the sums of the one before: every
    // element is the same chain of fused multiply-adds as one pass over k; over 13 rows of A, k is cut
    // in two halves whose chains are added at the end (VectorGemm.cutsK), over 100 rows it is not
    assertThat(VectorGemm.cutsK(13, 37, 700)).isTrue();
    assertThat(VectorGemm.cutsK(100, 37, 700)).as("more than k / 8 rows").isFalse();
    assertThat(VectorGemm.cutsK(13, 37, 500)).as("k shorter than two blocks").isFalse();
    assertThat(VectorGemm.cutsK(13, 2, 700)).as("too few flops to split").isFalse();
    SplittableRandom random = new SplittableRandom(8);
    int n = 37;
    int k = 700;
    for (int m : new int[] {13, 100}) {
      float[] a = floats(random(random, m * k));
      float[] b = floats(random(random, k * n));
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          float[] c = new float[m * n];
          new VectorGemm(2, 0).sgemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n);
          int half = VectorGemm.cutsK(m, n, k) ? k / 2 : k;
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              float first = 0f;
              float second = 0f;
              for (int p = 0; p < k; p++) {
                float product = transA ? a[p * m + i] : a[i * k + p];
                float other = transB ? b[j * k + p] : b[p * n + j];
                if (p < half) {
                  first = Math.fma(product, other, first);
                } else {
                  second = Math.fma(product, other, second);
                }
              }
              float sum = half < k ? first + second : first;
              assertThat(c[i * n + j]).as("m %d, A transposed %b, B transposed %b, element %d,%d", m, transA, transB, i, j)
                  .isEqualTo(sum);
            }
          }
        }
      }
    }
  }

  @Test
  void threads_splitProductsCutInHalvesOfK_withBitwiseIdenticalResults() {
    // a dense layer's forward product (64 x 256 over 784) and odd ones: whatever the threads, the two
    // halves of k are summed the same way, kept B included; C's padding and offset stay untouched
    SplittableRandom random = new SplittableRandom(11);
    int[][] shapes = {{64, 256, 784}, {13, 37, 700}, {5, 100, 1031}};
    for (int[] shape : shapes) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      assertThat(VectorGemm.cutsK(m, n, k)).isTrue();
      float[] a = floats(random(random, m * k + 3));
      float[] b = floats(random(random, k * n + 2));
      int ldc = n + 5;
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          int lda = transA ? m : k;
          int ldb = transB ? k : n;
          float[] alone = new float[1 + m * ldc];
          java.util.Arrays.fill(alone, 99f);
          new VectorGemm(1).sgemm(transA, transB, m, n, k, a, 3, lda, b, 2, ldb, alone, 1, ldc);
          assertThat(alone[0]).isEqualTo(99f);
          assertThat(alone[1 + n]).as("padding after the first row").isEqualTo(99f);
          for (int threads : new int[] {2, 3, 8}) {
            VectorGemm kernel = new VectorGemm(threads, 0);
            kernel.newEpoch();
            for (int repeat = 0; repeat < 3; repeat++) {
              float[] split = new float[1 + m * ldc];
              java.util.Arrays.fill(split, 99f);
              kernel.sgemm(transA, transB, m, n, k, a, 3, lda, b, 2, ldb, split, 1, ldc);
              assertThat(split).as("%s, %d threads, transposes %b %b", java.util.Arrays.toString(shape), threads, transA, transB)
                  .isEqualTo(alone);
              java.util.Arrays.fill(split, 99f);
              kernel.sgemmConstantB(transA, transB, m, n, k, a, 3, lda, b, 2, ldb, split, 1, ldc);
              assertThat(split).as("kept B, call %d", repeat).isEqualTo(alone);
            }
          }
        }
      }
    }
  }

  @Test
  void scalarProducts_sumEachElementInKOrder_acrossBlocksOfRowsAndColumns() {
    // 70 x 600 crosses ScalarGemm's blocks of C (64 rows, 512 columns) and 37 its blocks of k; 70 x 10 is
    // computed transposed: every element is still one chain of multiplications and additions in k order,
    // as a plain loop computes it
    SplittableRandom random = new SplittableRandom(9);
    int m = 70;
    int k = 37;
    for (int n : new int[] {600, 10}) {
      float[] a = floats(random(random, m * k));
      float[] b = floats(random(random, k * n));
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          float[] c = new float[m * n];
          new ScalarGemm().sgemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              float sum = 0f;
              for (int p = 0; p < k; p++) {
                sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
              }
              assertThat(c[i * n + j]).as("%d columns, A transposed %b, B transposed %b, element %d,%d", n, transA, transB, i, j)
                  .isEqualTo(sum);
            }
          }
        }
      }
    }
  }

  @Test
  void products_allocateNothingOnceWarm_onEveryKernel() {
    // the tiled kernel (with blocks of k), skinny products both ways, dot products: a Vector API value
    // passed where the JIT cannot keep it in registers is boxed, an allocation per call
    int[][] shapes = {{256, 10, 784, 0, 0}, {20, 25, 2000, 0, 1}, {64, 10, 200, 1, 0}, {40, 50, 300, 0, 0}};
    VectorGemm kernel = new VectorGemm(1);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      boolean transA = s[3] == 1;
      boolean transB = s[4] == 1;
      float[] a = new float[m * k];
      float[] b = new float[k * n];
      float[] c = new float[m * n];
      for (int i = 0; i < 3_000; i++) {
        kernel.sgemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n);
      }
      long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
      for (int i = 0; i < 100; i++) {
        kernel.sgemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n);
      }
      assertThat(threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before)
          .as("%dx%dx%d, A transposed %b, B transposed %b", m, n, k, transA, transB).isZero();
    }
  }

  @Test
  void skinnyProducts_addEachElementsLanesInOrder_beforeAndAfterTheJitCompilesThem() {
    // JDK 25's C2 compiles reduceLanes(ADD) to a tree of its own and JDK 17's and the fallback add in
    // order: the kernel adds its lanes itself, so every JDK, compiled or not, gives the order written here
    int[][] shapes = {{64, 10, 200, 0}, {33, 4, 77, 0}, {7, 9, 2005, 1}}; // wide; rows; dot products, B transposed
    SplittableRandom random = new SplittableRandom(5);
    VectorGemm kernel = new VectorGemm(1);
    int lanes = VectorGemm.LANES;
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      boolean transB = s[3] == 1;
      float[] a = floats(random(random, m * k));
      float[] b = floats(random(random, k * n));
      float[] expected = new float[m * n];
      int bound = k / lanes * lanes;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float sum = 0f;
          for (int lane = 0; lane < lanes; lane++) {
            float acc = 0f;
            for (int p = lane; p < bound; p += lanes) {
              acc = Math.fma(a[i * k + p], transB ? b[j * k + p] : b[p * n + j], acc);
            }
            sum += acc;
          }
          for (int p = bound; p < k; p++) {
            sum = Math.fma(a[i * k + p], transB ? b[j * k + p] : b[p * n + j], sum);
          }
          expected[i * n + j] = sum;
        }
      }
      float[] c = new float[m * n];
      for (int call = 0; call <= 5_000; call++) {
        kernel.sgemm(false, transB, m, n, k, a, 0, k, b, 0, transB ? k : n, c, 0, n);
        if (call == 0 || call == 5_000) {
          assertThat(c).as("%dx%dx%d, B transposed %b, call %d", m, n, k, transB, call).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void threads_splitDotProducts_withBitwiseIdenticalResults() {
    // a small C over a long k, B transposed: dot products (SkinnyProduct.isDotProduct)
    SplittableRandom random = new SplittableRandom(7);
    int m = 21;
    int n = 25;
    int k = 3001;
    float[] a = floats(random(random, m * k));
    float[] b = floats(random(random, n * k));
    float[] alone = new float[m * n];
    new VectorGemm(1, 0).sgemm(false, true, m, n, k, a, 0, k, b, 0, k, alone, 0, n);
    for (int threads : new int[] {2, 4}) {
      float[] split = new float[m * n];
      new VectorGemm(threads, 0).sgemm(false, true, m, n, k, a, 0, k, b, 0, k, split, 0, n);
      assertThat(split).as("%d threads", threads).isEqualTo(alone);
    }
  }

  /**
   * B made of a table's rows: the product equals, bit for bit, the same kernel's product on the gathered
   * copy, packed from the table (rows of 64 or 32 floats) or gathered first (rows of 7, and skinny shapes),
   * with row remainders, partial panels, blocks of k across table rows, offsets, and threads.
   */
  @Test
  void gatheredB_givesTheBitsOfTheProductOnTheGatheredCopy_onEveryKernel() {
    SplittableRandom random = new SplittableRandom(11);
    int[][] shapes = {{50, 100, 70}, {13, 64, 300}, {20, 26, 576}, {7, 10, 64}, {30, 200, 9}};
    GemmKernel[] kernels = {new ScalarGemm(), new VectorGemm(1, 2_000_000, 12), new VectorGemm(3, 0, 12),
        new VectorGemm(2, 0, 6), new VectorGemm(1, 0, 4)};
    for (int rowLength : new int[] {64, 32, 7}) {
      int tableRows = 40;
      float[] table = floats(random(random, 3 + tableRows * rowLength));
      for (int[] shape : shapes) {
        for (boolean transA : new boolean[] {false, true}) {
          for (boolean transB : new boolean[] {false, true}) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            // B's rows a whole number of table rows, one row longer than op(B) needs where it divides
            int width = transB ? k : n;
            int ldb = (width + rowLength - 1) / rowLength * rowLength;
            int rowCount = ((transB ? n : k) * ldb) / rowLength;
            int[] rows = new int[5 + rowCount];
            for (int i = 0; i < rows.length; i++) {
              rows[i] = random.nextInt(tableRows);
            }
            float[] b = new float[rowCount * rowLength];
            for (int x = 0; x < b.length; x++) {
              b[x] = table[3 + rows[5 + x / rowLength] * rowLength + x % rowLength];
            }
            float[] a = floats(random(random, 2 + m * k));
            int lda = transA ? m : k;
            for (GemmKernel kernel : kernels) {
              float[] want = new float[1 + m * n];
              float[] got = new float[1 + m * n];
              kernel.sgemm(transA, transB, m, n, k, a, 2, lda, b, 0, ldb, want, 1, n);
              kernel.sgemmGathered(transA, transB, m, n, k, a, 2, lda, table, 3, rowLength, rows, 5, ldb, got, 1, n);
              assertThat(got).as("%s, rows of %d, %dx%dx%d %s%s", kernel.getClass().getSimpleName(), rowLength, m, n, k,
                  transA ? "A^T " : "", transB ? "B^T" : "").isEqualTo(want);
            }
          }
        }
      }
    }
  }

  @Test
  void constantB_isPackedOncePerEpoch_andGivesTheSameBitsAsAFreshProduct() {
    SplittableRandom random = new SplittableRandom(7);
    int m = 32;
    int n = 130;
    int k = 67;
    float[] b = floats(random(random, k * n));
    float[] bT = floats(random(random, n * k));
    for (int threads : new int[] {1, 2}) {
      VectorGemm kernel = new VectorGemm(threads, 0);
      kernel.newEpoch();
      for (int step = 0; step < 6; step++) {
        float[] a = floats(random(random, m * k));
        float[] want = new float[m * n];
        float[] got = new float[m * n];
        kernel.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, want, 0, n);
        kernel.sgemmConstantB(false, false, m, n, k, a, 0, k, b, 0, n, got, 0, n);
        assertThat(got).as("%d threads, step %d", threads, step).isEqualTo(want);
        // a second constant operand, transposed, between uses of the first
        kernel.sgemm(false, true, m, n, k, a, 0, k, bT, 0, k, want, 0, n);
        kernel.sgemmConstantB(false, true, m, n, k, a, 0, k, bT, 0, k, got, 0, n);
        assertThat(got).isEqualTo(want);
      }
      // B changes: after a new epoch the product sees the new values
      b[0] += 1;
      kernel.newEpoch();
      float[] a = floats(random(random, m * k));
      float[] want = new float[m * n];
      float[] got = new float[m * n];
      kernel.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, want, 0, n);
      kernel.sgemmConstantB(false, false, m, n, k, a, 0, k, b, 0, n, got, 0, n);
      assertThat(got).isEqualTo(want);
    }
  }

  @Test
  void setThreads_changesTheCountAndRejectsZero() {
    int before = Gemm.threads();
    try {
      Gemm.setThreads(2);
      assertThat(Gemm.threads()).isEqualTo(2);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Gemm.setThreads(0)).hasMessageContaining("at least 1");
    } finally {
      Gemm.setThreads(before);
    }
  }

  @Test
  void setThreads_backAndForth_startsNoNewThreads() {
    int before = Gemm.threads();
    float[] a = new float[64 * 300];
    float[] b = new float[300 * 64];
    float[] c = new float[64 * 64];
    try {
      for (int threads : new int[] {1, 2, 3}) {
        Gemm.setThreads(threads);
        Gemm.sgemm(false, false, 64, 64, 300, a, 0, 300, b, 0, 64, c, 0, 64);
      }
      long workers = workerThreads();
      for (int round = 0; round < 20; round++) {
        for (int threads : new int[] {2, 1, 3}) {
          Gemm.setThreads(threads);
          assertThat(Gemm.threads()).isEqualTo(Gemm.implementation().equals("scalar") ? 1 : threads);
          Gemm.sgemm(false, false, 64, 64, 300, a, 0, 300, b, 0, 64, c, 0, 64);
        }
      }
      assertThat(workerThreads()).isEqualTo(workers);
    } finally {
      Gemm.setThreads(before);
    }
  }

  private static long workerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("bytegrad-worker")).count();
  }

  private static double[] random(SplittableRandom random, int size) {
    double[] values = new double[size];
    for (int i = 0; i < size; i++) {
      values[i] = random.nextDouble(-1, 1);
    }
    return values;
  }

  private static float[] floats(double[] values) {
    float[] result = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = (float) values[i];
    }
    return result;
  }
}
