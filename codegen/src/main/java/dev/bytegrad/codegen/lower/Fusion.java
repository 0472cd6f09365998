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
 * broadcast that repeats it.
 */
final class Fusion {
  private Fusion() {}

  static boolean hasKernel(Node node) {
    return node.op() instanceof Sum || node.op() instanceof ReduceMax || node.op() instanceof MatMul
        || node.op() instanceof Gather || node.op() instanceof ScatterAdd || node.op() instanceof Concat
        || node.op() instanceof Scan;
  }

  /** Fewest f32 elements for which exp, tanh and the sigmoid run as one vectorized array call. */
  static final int ARRAY_FUNCTION_ELEMENTS = 256;

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

  /** Views cost an index computation, not arithmetic: their inputs are materialized instead when repeated. */
  static boolean isView(Node node) {
    return node.op() instanceof Broadcast || node.op() instanceof Reshape || node.op() instanceof Transpose
        || node.op() instanceof Slice || node.op() instanceof StopGradient;
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
      boolean repeated = evaluated > 1 && !isView(node);
      if (results.contains(node) || hasKernel(node) || needBuffer.contains(node) || repeated || arrayFunction(node) != null) {
        materialized.add(node);
      }
      if (arrayFunction(node) != null) {
        needBuffer.add(node.input(0));
      }
      if (node.op() instanceof MatMul) {
        needBuffer.add(MatrixOperand.resolve(node.input(0)).stored());
        needBuffer.add(MatrixOperand.resolve(node.input(1)).stored());
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
