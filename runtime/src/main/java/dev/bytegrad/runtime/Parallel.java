package dev.bytegrad.runtime;

/**
 * Large elementwise kernels of generated code split over the threads the matrix products use (see
 * {@link Gemm#setThreads}): the generated class implements {@link Kernels}, and a kernel calls
 * {@link #run} with its number and size; each part runs a contiguous range of the kernel's outer loop.
 * Elements do not depend on one another, so the results are the same for any number of threads.
 * Nothing is allocated per call.
 */
public final class Parallel {
  /**
   * Fewest elements per part: below twice this a kernel runs on the calling thread alone. A kernel's
   * parts seldom split its input as the product that wrote it did (the product by column panels, the
   * kernel by rows), so a part reads what the other core's cache holds; for a 64 x 256 layer's
   * activation that costs more than the work saved. Timed kernel by kernel in the MLP's step, its two
   * 16,384-element kernels took 4.3 and 2.6 us on one thread, 7.7 and 6.5 us in two parts of 8,192,
   * and 3.6-3.9 and 2.6-2.7 us on two threads with this at 16,384 (they then run on one).
   */
  public static final int ELEMENTS_PER_PART = 16_384;

  private static final ThreadLocal<Dispatch> DISPATCH = ThreadLocal.withInitial(Dispatch::new);

  private Parallel() {}

  /** What generated code implements: run part {@code part} of {@code parts} of kernel number {@code kernel}. */
  public interface Kernels {
    void runPart(int kernel, int part, int parts);
  }

  /** Runs kernel {@code kernel} of {@code target}, of {@code elements} elements, in as many parts as pay. */
  public static void run(Kernels target, int kernel, long elements) {
    split(target, kernel, (int) Math.min(Gemm.threads(), elements / ELEMENTS_PER_PART));
  }

  /**
   * Runs kernel {@code kernel} of {@code target}, whose outer loop has {@code chunks} iterations, each a
   * large piece of work (a scan over some rows of its batch), in as many parts as there are threads, up
   * to {@code chunks}.
   */
  public static void runChunks(Kernels target, int kernel, int chunks) {
    split(target, kernel, Math.min(Gemm.threads(), chunks));
  }

  private static void split(Kernels target, int kernel, int parts) {
    if (parts <= 1) {
      target.runPart(kernel, 0, 1);
      return;
    }
    Dispatch dispatch = DISPATCH.get();
    if (dispatch.target != null) {
      // run from a part of another kernel (a scan's step, within its chunk of rows): the threads are
      // busy with the outer kernel's parts, and this thread's dispatch is in use
      target.runPart(kernel, 0, 1);
      return;
    }
    dispatch.target = target;
    dispatch.kernel = kernel;
    try {
      Gemm.parallel(dispatch, parts);
    } finally {
      dispatch.target = null;
    }
  }

  /** The first index of part {@code part} of {@code parts} of a loop of {@code extent}. */
  public static int start(int extent, int part, int parts) {
    return (int) ((long) extent * part / parts);
  }

  private static final class Dispatch implements WorkerPool.Job {
    private Kernels target;
    private int kernel;

    @Override
    public void run(int part, int parts) {
      target.runPart(kernel, part, parts);
    }
  }
}
