package dev.bytegrad.codegen.lower;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Broadcast;
import dev.bytegrad.graph.op.Concat;
import dev.bytegrad.graph.op.Gather;
import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.op.MatMul;
import dev.bytegrad.graph.op.ReduceMax;
import dev.bytegrad.graph.op.Reshape;
import dev.bytegrad.graph.op.Scan;
import dev.bytegrad.graph.op.Slice;
import dev.bytegrad.graph.op.StopGradient;
import dev.bytegrad.graph.op.Transpose;
import dev.bytegrad.graph.op.ScatterAdd;
import dev.bytegrad.graph.op.Sum;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes get a buffer of their own. Everything else is fused: computed inside the loop of the
 * kernel that consumes it, at the index that kernel needs.
 *
 * <p>A node is materialized when it is a result of the function, an operation with a kernel of its own
 * (reductions, matmul, gather, scatter-add, concat), a matmul operand (GEMM reads buffers), a gathered
 * table, or when fusing it would evaluate it more than once per element — several consumers, or a
 * broadcast that repeats it. A gather that only products read, as rows of its table, is left to them
 * ({@link #gathersReadByProducts}).
 */
final class Fusion {
  private Fusion() {}

  static boolean hasKernel(Node node) {
    return node.op() instanceof Sum || node.op() instanceof ReduceMax || node.op() instanceof MatMul
        || node.op() instanceof Gather || node.op() instanceof ScatterAdd || node.op() instanceof Concat
        || node.op() instanceof Scan;
  }

  /**
   * Fewest f32 elements for which exp, tanh and the sigmoid run as one vectorized array call. Lower than
   * {@link Vectorization#FEWEST_ELEMENTS}: the runtime's vector loops are shared by every kernel that
   * calls them, so most steps get them compiled by C2 within a second. Not all: a step that makes one
   * small call (LeNet's softmax, 640 elements, once in 28 ms) runs it as C1 code, which allocates its
   * vectors (160 KB a step), until HotSpot's C2 compiles it after some 600 calls, 20-25 s. That costs
   * well under 1% of those steps; computing the softmax workload's 2,560 exponentials one at a time
   * instead made its step 1.12x slower (4,096 here: A/B in one JVM, JavaPoet, one thread).
   */
  static final int ARRAY_FUNCTION_ELEMENTS = 256;

  /** The shortest row {@link #appliedByRows} calls an array function on. */
  static final int ROW_ELEMENTS = 32;

  /**
   * The name of the runtime array function that computes {@code node} ({@code exp}, {@code tanh},
   * {@code sigmoid}), or null: a transcendental function over many f32 elements is computed a vector at a
   * time from its materialized operand, rather than one call of {@code Math} per element in a fused loop.
   */
  static String arrayFunction(Node node) {
    if (node.dtype() != dev.bytegrad.runtime.DType.F32 || node.shape().size() < ARRAY_FUNCTION_ELEMENTS) {
      return null;
    }
    return node.op() instanceof dev.bytegrad.graph.op.Exp ? "exp" : node.op() instanceof dev.bytegrad.graph.op.Tanh ? "tanh"
        : node.op() instanceof dev.bytegrad.graph.op.Logistic ? "sigmoid" : null;
  }

  /**
   * Whether array function {@code node} runs a row at a time on the array its operand slices: the operand
   * is a slice of whole rows, at least {@value #ROW_ELEMENTS} elements long.
   */
  static boolean appliedByRows(Node node) {
    return arrayFunction(node) != null && isRowSlice(node.input(0)) && node.shape().dim(node.shape().rank() - 1) >= ROW_ELEMENTS;
  }

  /**
   * Whether {@code node} slices only its operand's last axis (an LSTM's gate out of its four), so that each
   * of its rows is a contiguous piece of a row of the operand.
   */
  static boolean isRowSlice(Node node) {
    if (!(node.op() instanceof Slice slice) || node.shape().rank() == 0) {
      return false;
    }
    Node operand = node.input(0);
    for (int axis = 0; axis < node.shape().rank() - 1; axis++) {
      if (slice.start().get(axis) != 0 || slice.limit().get(axis) != operand.shape().dim(axis)) {
        return false;
      }
    }
    return true;
  }

  /** Views cost an index computation, not arithmetic: their inputs are materialized instead when repeated. */
  static boolean isView(Node node) {
    return node.op() instanceof Broadcast || node.op() instanceof Reshape || node.op() instanceof Transpose
        || node.op() instanceof Slice || node.op() instanceof StopGradient;
  }

  /**
   * The gathers that only matrix products read, each as its B made of whole rows of the gather's table
   * ({@link MatrixOperand#wholeTableRows}), through views alone: the products read the table instead
   * ({@code Gemm.sgemmGathered}), and the gather gets neither buffer nor kernel. A convolution's patch
   * matrix, read by its forward product and its kernel's gradient, is such a gather: LeNet's second
   * layer's is 8 MB, written and read back twice a step, where its table is 0.7 MB.
   */
  private static Set<Node> gathersReadByProducts(List<Node> order, Map<Node, List<Node>> users) {
    Map<Node, Set<Node>> chains = new HashMap<>();
    Set<Node> refused = new HashSet<>();
    for (Node node : order) {
      if (!(node.op() instanceof MatMul) || node.shape().rank() != 2) {
        continue;
      }
      MatrixOperand b = MatrixOperand.resolve(node.input(1));
      int rowLength = b.transposed() ? node.input(0).shape().dim(-1) : node.shape().dim(-1);
      if (!b.gatheredRows()) {
        continue;
      }
      if (!b.wholeTableRows(rowLength)) {
        refused.add(b.stored());
        continue;
      }
      // the views between the product and the gather: the nodes MatrixOperand walked through
      Set<Node> chain = chains.computeIfAbsent(b.stored(), g -> new HashSet<>());
      chain.add(node);
      for (Node view = node.input(1); view != b.stored(); view = view.input(0)) {
        chain.add(view);
      }
    }
    Set<Node> result = new HashSet<>();
    chains.forEach((gather, chain) -> {
      if (!refused.contains(gather) && onlyReadBy(gather, chain, users)) {
        result.add(gather);
      }
    });
    return result;
  }

  /**
   * Whether every use of {@code node} lies on {@code chain}: each user is a view of the chain (whose own
   * users must be too) or a product of it, reading it as its B.
   */
  private static boolean onlyReadBy(Node node, Set<Node> chain, Map<Node, List<Node>> users) {
    for (Node user : users.getOrDefault(node, List.of())) {
      if (!chain.contains(user)) {
        return false;
      }
      if (user.op() instanceof MatMul) {
        if (user.input(0) == node || user.input(1) != node) {
          return false;
        }
      } else if (!isView(user) || !onlyReadBy(user, chain, users)) {
        return false;
      }
    }
    return true;
  }

  /** The materialized nodes among {@code order} (topologically ordered), given the function's results. */
  static Set<Node> materialize(List<Node> order, Set<Node> results) {
    Map<Node, List<Node>> users = new HashMap<>();
    for (Node node : order) {
      for (Node input : node.inputs()) {
        users.computeIfAbsent(input, k -> new java.util.ArrayList<>()).add(node);
      }
    }
    Set<Node> materialized = new HashSet<>();
    Set<Node> needBuffer = new HashSet<>();
    Set<Node> readByProducts = gathersReadByProducts(order, users);
    Map<Node, Double> evaluations = new HashMap<>();
    for (int i = order.size() - 1; i >= 0; i--) {
      Node node = order.get(i);
      double evaluated = 0;
      for (Node user : users.getOrDefault(node, List.of())) {
        double perElement = materialized.contains(user) ? 1 : evaluations.getOrDefault(user, 1.0);
        double repeat = user.op() instanceof Broadcast ? (double) user.shape().size() / Math.max(1, node.shape().size()) : 1;
        evaluated += perElement * repeat;
      }
      evaluations.put(node, evaluated);
      if (node.op() instanceof Leaf) {
        continue;
      }
      boolean readByProduct = readByProducts.contains(node);
      boolean repeated = evaluated > 1 && !isView(node) && !readByProduct;
      boolean ownKernel = hasKernel(node) && !readByProduct;
      if (results.contains(node) || ownKernel || needBuffer.contains(node) || repeated || arrayFunction(node) != null) {
        materialized.add(node);
      }
      if (arrayFunction(node) != null) {
        // a slice of whole rows is read in place, a row at a time: the array it slices needs the buffer
        needBuffer.add(appliedByRows(node) ? node.input(0).input(0) : node.input(0));
      }
      if (node.op() instanceof MatMul) {
        needBuffer.add(MatrixOperand.resolve(node.input(0)).stored());
        Node b = MatrixOperand.resolve(node.input(1)).stored();
        if (!readByProducts.contains(b)) {
          needBuffer.add(b);
        }
      } else if (node.op() instanceof Gather) {
        needBuffer.add(node.input(0));
      } else if (node.op() instanceof Scan scan) {
        // the step's kernels read the loop's constants from buffers; carries and sequences are copied in
        int constants = scan.body().constants().size();
        node.inputs().subList(node.inputs().size() - constants, node.inputs().size()).forEach(needBuffer::add);
      }
    }
    return materialized;
  }
}
