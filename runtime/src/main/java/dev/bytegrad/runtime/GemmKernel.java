package dev.bytegrad.runtime;

/** An implementation of {@link Gemm}'s two operations; see there for the meaning of the arguments. */
interface GemmKernel {
  void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc);

  /**
   * {@link #sgemm} for a B that has not changed since the last {@link #newEpoch()}: its packed form may
   * be kept and reused by later calls with the same B (array, offset, leading dimension, shape).
   */
  default void sgemmConstantB(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  }

  /**
   * {@link Gemm#sgemmGathered}: here by gathering B's rows into a scratch array of the calling thread and
   * multiplying that; a kernel that can read the table while it packs B overrides it.
   */
  default void sgemmGathered(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOffset, int lda,
      float[] table, int tableOffset, int rowLength, int[] rows, int rowsOffset, int ldb, float[] c, int cOffset, int ldc) {
    float[] b = GatheredRows.gather(table, tableOffset, rowLength, rows, rowsOffset, GatheredRows.span(transB, n, k, ldb));
    sgemm(transA, transB, m, n, k, a, aOffset, lda, b, 0, ldb, c, cOffset, ldc);
  }

  /** Forgets every packed B kept by {@link #sgemmConstantB}: their contents may change from now on. */
  default void newEpoch() {
  }

  /** How many threads a large product runs on, the caller included. */
  int threads();

  /** Runs {@code job} in {@code parts} parts on this kernel's threads (all in the caller when it has one). */
  default void parallel(WorkerPool.Job job, int parts) {
    job.run(0, 1);
  }

  void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc);
}
