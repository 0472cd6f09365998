package dev.bytegrad.codegen.lower;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Broadcast;
import dev.bytegrad.graph.op.Reshape;
import dev.bytegrad.graph.op.Transpose;
import java.util.List;

/**
 * A matmul operand seen through the views that GEMM can absorb: a transpose of the last two axes
 * becomes a flag, a broadcast over batch axes a batch stride of 0, and a reshape nothing at all
 * (row-major layout is unchanged), though below a reshape of the last two axes no other view is. {@code stored} is the node whose buffer GEMM reads.
 */
record MatrixOperand(Node stored, boolean transposed, boolean batchBroadcast) {

  static MatrixOperand resolve(Node operand) {
    Node node = operand;
    boolean transposed = false;
    boolean broadcast = false;
    while (true) {
      if (node.op() instanceof Transpose t && swapsLastTwo(t.permutation())) {
        transposed = !transposed;
        node = node.input(0);
      } else if (node.op() instanceof Broadcast && expandsOnlyBatch(node)) {
        broadcast = true;
        node = node.input(0);
      } else if (node.op() instanceof Reshape) {
        // A reshape moves no element: the matrix is its input's buffer read in the reshape's shape. Views
        // below it are absorbed only while the last two axes stay those of the matrix.
        if (transposed || broadcast || !keepsLastTwo(node)) {
          return new MatrixOperand(node.input(0), transposed, broadcast);
        }
        node = node.input(0);
      } else {
        return new MatrixOperand(node, transposed, broadcast);
      }
    }
  }

  /**
   * Whether a product can read this operand, its B, as rows of the table its gather picks rather than from a
   * buffer of the gather's own ({@code Gemm.sgemmGathered}): the stored node is a gather of whole rows of a
   * matrix by a vector of indices, and each row of the stored matrix (the product's rows of B, or its
   * columns when transposed) is made of whole rows of the table. A convolution's patches are such an
   * operand.
   */
  boolean gatheredRows() {
    if (!(stored.op() instanceof dev.bytegrad.graph.op.Gather) || batchBroadcast
        || stored.dtype() != dev.bytegrad.runtime.DType.F32) {
      return false;
    }
    Node table = stored.input(0);
    Node indices = stored.input(1);
    return table.shape().rank() == 2 && indices.shape().rank() == 1 && table.shape().dim(1) > 0;
  }

  /** Whether {@code matrixColumns}, the stored matrix's row length, is made of whole rows of the table ({@link #gatheredRows}). */
  boolean wholeTableRows(int matrixColumns) {
    return gatheredRows() && matrixColumns % stored.input(0).shape().dim(1) == 0;
  }

  private static boolean keepsLastTwo(Node reshape) {
    Node input = reshape.input(0);
    return input.shape().rank() >= 2 && input.shape().dim(-1) == reshape.shape().dim(-1)
        && input.shape().dim(-2) == reshape.shape().dim(-2);
  }

  private static boolean swapsLastTwo(List<Integer> permutation) {
    int rank = permutation.size();
    for (int i = 0; i < rank - 2; i++) {
      if (permutation.get(i) != i) {
        return false;
      }
    }
    return rank >= 2 && permutation.get(rank - 2) == rank - 1 && permutation.get(rank - 1) == rank - 2;
  }

  /** Whether a broadcast keeps the last two axes and only repeats the matrix over batch axes. */
  private static boolean expandsOnlyBatch(Node broadcast) {
    Node input = broadcast.input(0);
    int rank = input.shape().rank();
    if (rank < 2 || input.shape().dim(-1) != broadcast.shape().dim(-1) || input.shape().dim(-2) != broadcast.shape().dim(-2)) {
      return false;
    }
    for (int axis = 0; axis < rank - 2; axis++) {
      if (input.shape().dim(axis) != 1) {
        return false;
      }
    }
    return true;
  }
}
