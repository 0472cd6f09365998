package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.op.Scan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Symbolic differentiation. Reverse mode ({@link #grad}, {@link #vjp}), forward mode ({@link #jvp}) and
 * their composition ({@link #hvp}) add the derivative graph to the primal's graph and return its nodes,
 * which can be printed, evaluated, compiled and differentiated again.
 *
 * <p>Cotangents propagate from the outputs back through each primitive's VJP rule in reverse
 * topological order, and are summed where a node feeds several users (fan-out). Only nodes that depend
 * on a requested input are differentiated, so what the returned nodes depend on holds no dead branch.
 * (A rule builds its cotangents eagerly; one for an operand that needs none stays unreferenced.)
 */
public final class Autodiff {
  private Autodiff() {}

  /** The gradient of the scalar {@code loss} with respect to {@code wrt}. */
  public static Node grad(Node loss, Node wrt) {
    return grad(loss, List.of(wrt)).get(0);
  }

  /** The gradients of the scalar {@code loss} with respect to each of {@code wrt}, in order. */
  public static List<Node> grad(Node loss, List<Node> wrt) {
    if (loss.shape().rank() != 0 || !loss.dtype().isFloating()) {
      throw new GraphBuildException("grad", List.of(loss.type()),
          "the loss must be a floating scalar; use vjp for other outputs", CallSite.capture());
    }
    return vjp(List.of(loss), List.of(loss.graph().constant(1, loss.dtype())), wrt);
  }

  /**
   * The vector-Jacobian product: the cotangents of {@code wrt} given cotangents of {@code outputs}
   * (each of its output's type). A requested node that no output depends on gets zeros.
   */
  public static List<Node> vjp(List<Node> outputs, List<Node> cotangents, List<Node> wrt) {
    check(outputs, cotangents, wrt);
    List<Node> order = Topology.reachable(outputs);
    Set<Node> relevant = dependents(order, wrt);
    Map<Node, Node> cotangent = new HashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      accumulate(cotangent, outputs.get(i), cotangents.get(i));
    }
    Map<List<Object>, List<Node>> loops = scanSiblings(order);
    for (int i = order.size() - 1; i >= 0; i--) {
      Node node = order.get(i);
      Node g = cotangent.get(node);
      if (node.op() instanceof Leaf || !relevant.contains(node)) {
        continue;
      }
      List<Node> contributions;
      if (node.op() instanceof Scan) {
        // The results of one loop are differentiated together, by one backward loop, once all their
        // users are done: at the first sibling in topological order, reached last here.
        List<Node> siblings = loops.get(loopOf(node));
        if (siblings.get(0) != node) {
          continue;
        }
        List<Node> gs = new ArrayList<>();
        siblings.forEach(sibling -> gs.add(cotangent.get(sibling)));
        if (gs.stream().allMatch(java.util.Objects::isNull)) {
          continue;
        }
        contributions = Scan.vjp(siblings, gs);
      } else if (g == null) {
        continue;
      } else {
        contributions = node.op().vjp(node, g);
      }
      for (int k = 0; k < node.inputs().size(); k++) {
        Node input = node.inputs().get(k);
        Node contribution = contributions.get(k);
        if (contribution != null && relevant.contains(input)) {
          checkRule(node, k, contribution);
          accumulate(cotangent, input, contribution);
        }
      }
    }
    List<Node> result = new ArrayList<>(wrt.size());
    for (Node node : wrt) {
      Node g = cotangent.get(node);
      result.add(g != null ? g : node.zerosLike());
    }
    return result;
  }

  /**
   * Forward mode: the tangents of {@code outputs} when {@code inputs} move along {@code tangents} (each
   * of its input's type). Tangents propagate through each primitive's JVP rule in topological order;
   * an output that does not depend on the inputs gets zeros.
   */
  public static List<Node> jvp(List<Node> outputs, List<Node> inputs, List<Node> tangents) {
    if (inputs.size() != tangents.size()) {
      throw new IllegalArgumentException(inputs.size() + " inputs but " + tangents.size() + " tangents");
    }
    Map<Node, Node> tangent = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      Node input = inputs.get(i);
      if (!input.dtype().isFloating() || !input.type().equals(tangents.get(i).type())) {
        throw new GraphBuildException("jvp", List.of(input.type(), tangents.get(i).type()),
            "inputs must be floating and each tangent of its input's type", CallSite.capture());
      }
      tangent.put(input, tangents.get(i));
    }
    for (Node node : Topology.reachable(outputs)) {
      if (tangent.containsKey(node) || node.op() instanceof Leaf) {
        continue;
      }
      List<Node> operandTangents = new ArrayList<>(node.inputs().size());
      node.inputs().forEach(input -> operandTangents.add(tangent.get(input)));
      if (operandTangents.stream().allMatch(java.util.Objects::isNull)) {
        continue;
      }
      Node result = node.op().jvp(node, operandTangents);
      if (result != null) {
        if (!result.type().equals(node.type())) {
          throw new IllegalStateException("the jvp rule of " + node.op().opName() + " gave " + result.type()
              + " for a result of type " + node.type());
        }
        tangent.put(node, result);
      }
    }
    List<Node> result = new ArrayList<>(outputs.size());
    for (Node output : outputs) {
      Node t = tangent.get(output);
      result.add(t != null ? t : output.zerosLike());
    }
    return result;
  }

  /**
   * Hessian-vector products by forward-over-reverse: the derivative of {@code grad(loss, wrt)} along
   * {@code vectors}, that is {@code H v} for the Hessian H of the scalar loss, without forming H.
   */
  public static List<Node> hvp(Node loss, List<Node> wrt, List<Node> vectors) {
    return jvp(grad(loss, wrt), wrt, vectors);
  }

  /** The scan nodes of {@code order} grouped by loop (body, length, direction and operands), each group in order. */
  private static Map<List<Object>, List<Node>> scanSiblings(List<Node> order) {
    Map<List<Object>, List<Node>> loops = new HashMap<>();
    for (Node node : order) {
      if (node.op() instanceof Scan) {
        loops.computeIfAbsent(loopOf(node), k -> new ArrayList<>()).add(node);
      }
    }
    return loops;
  }

  private static List<Object> loopOf(Node node) {
    Scan scan = (Scan) node.op();
    return List.of(scan.body(), scan.length(), scan.reverse(), node.inputs());
  }

  private static void accumulate(Map<Node, Node> cotangent, Node node, Node contribution) {
    cotangent.merge(node, contribution, Node::add);
  }

  /** The nodes of {@code order} that depend on some node of {@code wrt} (including those nodes). */
  private static Set<Node> dependents(List<Node> order, List<Node> wrt) {
    Set<Node> relevant = new HashSet<>(wrt);
    for (Node node : order) {
      if (node.inputs().stream().anyMatch(relevant::contains)) {
        relevant.add(node);
      }
    }
    return relevant;
  }

  private static void check(List<Node> outputs, List<Node> cotangents, List<Node> wrt) {
    if (outputs.size() != cotangents.size()) {
      throw new IllegalArgumentException(
          outputs.size() + " outputs but " + cotangents.size() + " cotangents");
    }
    for (int i = 0; i < outputs.size(); i++) {
      if (!outputs.get(i).type().equals(cotangents.get(i).type())) {
        throw new GraphBuildException("vjp", List.of(outputs.get(i).type(), cotangents.get(i).type()),
            "a cotangent must have its output's type", CallSite.capture());
      }
    }
    for (Node node : wrt) {
      if (!node.dtype().isFloating()) {
        throw new GraphBuildException("grad", List.of(node.type()), "cannot differentiate with respect to "
            + describe(node) + ": only f32 and f64 values have derivatives", CallSite.capture());
      }
    }
  }

  private static String describe(Node node) {
    return node.op().opName() + " '" + Interpreter.name(node) + "'";
  }

  private static void checkRule(Node node, int operand, Node contribution) {
    Node input = node.inputs().get(operand);
    if (!contribution.type().equals(input.type())) {
      throw new IllegalStateException("the vjp rule of " + node.op().opName() + " gave " + contribution.type()
          + " for operand " + operand + " of type " + input.type());
    }
  }
}
