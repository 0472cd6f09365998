package dev.bytegrad.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * General matrix multiply, {@code C = op(A) op(B)}, on row-major arrays with offsets and leading
 * dimensions, where {@code op(X)} is X or its transpose. Generated code calls it for every matrix
 * product; a transpose feeding a product becomes a flag here, never a copy in the graph.
 *
 * <p>Two implementations sit behind it, chosen once at start-up as Lucene chooses its vectorization:
 * a register-tiled kernel on the Vector API when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else a plain-Java kernel the JIT vectorizes as far as it
 * can. The system property {@code bytegrad.gemm=scalar|vector} forces one, and {@code bytegrad.gemm.rows=4|6|12}
 * the height of the vector kernel's register tiles (12 where vectors hold sixteen floats, else 6). Both
 * allocate nothing after their first call on a thread.
 */
public final class Gemm {
  /**
   * The kernel for each thread count asked for so far: going back to a count takes its kernel, pool and
   * all, again, rather than starting threads that the kernel it replaced would leave parked for good (a
   * benchmark alternating one and two threads started a thread per switch).
   */
  private static final Map<Integer, GemmKernel> KERNELS = new ConcurrentHashMap<>();
  private static volatile GemmKernel kernel = kernelFor(threadsProperty());

  private Gemm() {}

  /** {@code "vector"} or {@code "scalar"}: the implementation in use. */
  public static String implementation() {
    return kernel instanceof ScalarGemm ? "scalar" : "vector";
  }

  /** How many threads a large product runs on: 1 for the scalar kernel. */
  public static int threads() {
    return kernel.threads();
  }

  /**
   * Runs large products on {@code threads} threads from now on (the caller and {@code threads - 1}
   * workers), as the {@code --threads} option does. Results are bitwise the same for any count. The
   * system property {@code bytegrad.threads} sets the initial count, all cores by default. Each count's
   * kernel and workers are made once and kept: changing back and forth starts no new threads.
   */
  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (threads != threads()) {
      kernel = kernelFor(threads);
    }
  }

  private static int threadsProperty() {
    String text = System.getProperty("bytegrad.threads");
    if (text == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      return Math.max(1, Integer.parseInt(text.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bytegrad.threads must be a whole number, got '" + text + "'", e);
    }
  }

  /**
   * {@code C[m x n] = op(A)[m x k] * op(B)[k x n]} in f32. A is read as {@code a[aOffset + i*lda + p]}
   * (or {@code a[aOffset + p*lda + i]} when {@code transA}); likewise B; C is written at
   * {@code c[cOffset + i*ldc + j]}, overwriting what was there.
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    kernel.sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  /**
   * {@link #sgemm} where B is made of rows of a table, as a gather followed by a product would make it:
   * B's floats {@code b[x]} (read at {@code b[p*ldb + j]}, or {@code b[j*ldb + p]} when {@code transB},
   * from offset 0) are {@code table[tableOffset + rows[rowsOffset + x / rowLength] * rowLength + x % rowLength]}.
   * A convolution's patch matrix (im2col) is such a B: its table, the images with a row per pixel, fits
   * in the L2 cache where the patch matrix (LeNet's second layer: 8 MB) does not, and the vector kernel
   * packs B straight from it. Results are those of {@link #sgemm} on the gathered B, to the bit.
   */
  public static void sgemmGathered(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, int lda,
      float[] table, int tableOffset, int rowLength, int[] rows, int rowsOffset, int ldb, float[] c, int cOffset, int ldc) {
    if (rowLength < 1) {
      throw new IllegalArgumentException("gathered rows must be at least one float long, got " + rowLength);
    }
    kernel.sgemmGathered(transA, transB, m, n, k, a, aOffset, lda, table, tableOffset, rowLength, rows, rowsOffset, ldb,
        c, cOffset, ldc);
  }

  /** Runs {@code job} in {@code parts} parts on the threads of the products (see {@link Parallel}). */
  static void parallel(WorkerPool.Job job, int parts) {
    kernel.parallel(job, parts);
  }

  /**
   * {@link #sgemm} where B is constant until the next {@link #newEpoch()}: a loop's weight, multiplied at
   * every step. The packed form of B is kept and reused by later calls on the same B, so a step of a
   * recurrent network does not repack its weights. Results are the same as {@link #sgemm}'s, to the bit.
   */
  public static void sgemmConstantB(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    kernel.sgemmConstantB(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  /** Operands passed as constant before now may have changed: a loop calls this before its first step. */
  public static void newEpoch() {
    kernel.newEpoch();
  }

  /** {@link #sgemm} in f64. */
  public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc) {
    kernel.dgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  private static GemmKernel kernelFor(int threads) {
    return KERNELS.computeIfAbsent(threads, Gemm::choose);
  }

  private static GemmKernel choose(int threads) {
    String forced = System.getProperty("bytegrad.gemm", "").toLowerCase(Locale.ROOT);
    boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (forced.equals("scalar") || (!forced.equals("vector") && !vectorModule)) {
      return new ScalarGemm();
    }
    if (!vectorModule) {
      throw new IllegalStateException("bytegrad.gemm=vector needs the JVM option --add-modules jdk.incubator.vector");
    }
    try {
      return (GemmKernel) Class.forName("dev.bytegrad.runtime.VectorGemm").getDeclaredConstructor(int.class).newInstance(threads);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("the Vector API GEMM failed to load", e);
    }
  }
}
