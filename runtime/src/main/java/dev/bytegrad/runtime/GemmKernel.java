package dev.bytegrad.runtime;

/** An implementation of {@link Gemm}'s two operations; see there for the meaning of the arguments. */
interface GemmKernel {
  void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc);

  /** How many threads a large product runs on, the caller included. */
  int threads();

  /** Runs {@code job} in {@code parts} parts on this kernel's threads (all in the caller when it has one). */
  default void parallel(WorkerPool.Job job, int parts) {
    job.run(0, 1);
  }

  void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc);
}
