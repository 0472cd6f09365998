package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Primitive;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the invariants every pass must keep, so that a broken rewrite or transform is caught where it
 * happened rather than as a wrong number later: all nodes reachable from the outputs belong to one graph,
 * every operand was created before its user (the graph is a DAG in creation order), every node's type is
 * what its primitive infers from its operands' types, and interning holds (asking the graph for the same
 * operation again gives the same node).
 *
 * <p>The compiler runs it between passes when the system property {@value #PROPERTY} is {@code true},
 * which the build sets for every test.
 */
public final class Verifier {
  /** The system property that turns verification between compiler passes on. */
  public static final String PROPERTY = "bytegrad.verify";

  private Verifier() {}

  /** Whether verification between passes is on. */
  public static boolean enabled() {
    return Boolean.getBoolean(PROPERTY);
  }

  /** Verifies {@code outputs} when {@link #enabled()}; {@code pass} names what produced them, for the error. */
  public static void check(String pass, List<Node> outputs) {
    if (enabled()) {
      verify(pass, outputs);
    }
  }

  /** Verifies the graph reachable from {@code outputs}, failing with the first broken invariant. */
  public static void verify(String pass, List<Node> outputs) {
    verify(pass, outputs, new java.util.HashSet<>());
  }

  /** Verifies one graph, and the body of every loop in it once (a loop's body is a graph of its own). */
  private static void verify(String pass, List<Node> outputs, java.util.Set<Object> bodies) {
    if (outputs.isEmpty()) {
      return;
    }
    Graph graph = outputs.get(0).graph();
    for (Node node : Topology.reachable(outputs)) {
      if (node.graph() != graph) {
        throw failure(pass, node, "belongs to another graph than the outputs");
      }
      List<TensorType> types = new ArrayList<>();
      for (Node input : node.inputs()) {
        if (input.graph() != graph) {
          throw failure(pass, node, "has operand " + input + " from another graph");
        }
        if (input.id() >= node.id()) {
          throw failure(pass, node, "has operand " + input + " that was made after it: the graph is not a DAG in creation order");
        }
        types.add(input.type());
      }
      Primitive op = node.op();
      TensorType inferred;
      try {
        inferred = op.infer(types);
      } catch (IllegalArgumentException e) {
        throw failure(pass, node, "no longer type-checks: " + e.getMessage());
      }
      if (!inferred.equals(node.type())) {
        throw failure(pass, node, "holds type " + node.type() + " but its operands infer " + inferred);
      }
      if (graph.apply(op, node.inputs()) != node) {
        throw failure(pass, node, "is not the interned node for its operation and operands");
      }
      if (op instanceof dev.bytegrad.graph.op.Scan scan && bodies.add(scan.body())) {
        verify(pass + ", in the body of " + node, scan.body().results(), bodies);
      }
    }
  }

  private static IllegalStateException failure(String pass, Node node, String problem) {
    return new IllegalStateException("graph verifier, after " + pass + ": " + node + " (" + node.op().opName() + ", made at "
        + node.callSite() + ") " + problem);
  }
}
