package dev.bytegrad.runtime;

/** An implementation of {@link Gemm}'s two operations; see there for the meaning of the arguments. */
interface GemmKernel {
  void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc);

  /** How many threads a large product runs on, the caller included. */
  int threads();

  void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb, double[] c, int cOffset, int ldc);
}
