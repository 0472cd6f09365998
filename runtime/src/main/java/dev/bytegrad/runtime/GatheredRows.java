package dev.bytegrad.runtime;

/**
 * A matrix operand made of rows of a table: the floats {@code b[0], b[1], ...} that a product reads as
 * its B are {@code table[tableOffset + rows[rowsOffset + x / rowLength] * rowLength + x % rowLength]}, row
 * after picked row. A convolution's patch matrix is such a B (im2col); reading it this way spares writing
 * it out and reading it back (see {@link Gemm#sgemmGathered}).
 */
final class GatheredRows {
  /** Each thread's gathered B, for kernels that multiply a gathered copy. */
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  private GatheredRows() {}

  /** How many floats of B a product reads: up to the last element of op(B), {@code k x n}. */
  static int span(boolean transB, int n, int k, int ldb) {
    if (n == 0 || k == 0) {
      return 0;
    }
    return transB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
  }

  /** The first {@code size} floats of the gathered B, in this thread's scratch array. */
  static float[] gather(float[] table, int tableOffset, int rowLength, int[] rows, int rowsOffset, int size) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    float[] b = holder[0];
    for (int x = 0; x < size; x += rowLength) {
      System.arraycopy(table, tableOffset + rows[rowsOffset + x / rowLength] * rowLength, b, x, Math.min(rowLength, size - x));
    }
    return b;
  }

  /** Float {@code x} of the gathered B. */
  static float at(float[] table, int tableOffset, int rowLength, int[] rows, int rowsOffset, int x) {
    return table[tableOffset + rows[rowsOffset + x / rowLength] * rowLength + x % rowLength];
  }
}
