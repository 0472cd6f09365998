package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The forward mode of a {@link Scan}: one scan carrying tangents beside values, its body derived by
 * {@link Autodiff} from the forward body and kept there. Reverse mode is {@link ScanDerivatives}.
 */
final class ScanTangents {
  private ScanTangents() {}

  /** The tangent of {@code y}, a result of {@code scan}: one result of a scan carrying values and tangents. */
  static Node jvp(Scan scan, Node y, List<Node> tangents) {
    ScanBody body = scan.body();
    int output = scan.output();
    int length = scan.length();
    boolean reverse = scan.reverse();
    int m = body.carries().size();
    int n = body.sequences().size();
    int q = body.outputs().size();
    List<Integer> floatingCarries = ScanDerivatives.floating(body.carries());
    List<Integer> floatingSequences = ScanDerivatives.floating(body.sequences());
    List<Integer> floatingConstants = ScanDerivatives.floating(body.constants());
    List<Integer> floatingOutputs = ScanDerivatives.floating(body.outputs());
    ScanBody forward = body.derived(List.of("jvp"),
        () -> tangentBody(body, floatingCarries, floatingSequences, floatingConstants, floatingOutputs));
    List<Node> operands = y.inputs();
    List<Node> inputs = new ArrayList<>(operands.subList(0, m));
    addTangents(inputs, operands, tangents, floatingCarries, 0);
    inputs.addAll(operands.subList(m, m + n));
    addTangents(inputs, operands, tangents, floatingSequences, m);
    inputs.addAll(operands.subList(m + n, operands.size()));
    addTangents(inputs, operands, tangents, floatingConstants, m + n);

    int carries = m + floatingCarries.size();
    int outputs = q + floatingOutputs.size();
    int index;
    if (output < m) {
      int a = floatingCarries.indexOf(output);
      if (a < 0) {
        return null;
      }
      index = m + a;
    } else if (output < m + q) {
      int a = floatingOutputs.indexOf(output - m);
      if (a < 0) {
        return null;
      }
      index = carries + q + a;
    } else {
      int a = floatingCarries.indexOf(output - m - q);
      if (a < 0) {
        return null;
      }
      index = carries + outputs + m + a;
    }
    return y.graph().apply(new Scan(forward, length, reverse, index), inputs);
  }

  private static void addTangents(List<Node> inputs, List<Node> operands, List<Node> tangents, List<Integer> floating, int offset) {
    for (int k : floating) {
      Node tangent = tangents.get(offset + k);
      inputs.add(tangent != null ? tangent : operands.get(offset + k).zerosLike());
    }
  }

  /**
   * The body of the forward-mode scan. Carries: every carry, then the tangent of each floating one.
   * Sequences and constants likewise. Outputs: every output, then the tangent of each floating one.
   */
  private static ScanBody tangentBody(ScanBody body, List<Integer> floatingCarries, List<Integer> floatingSequences,
      List<Integer> floatingConstants, List<Integer> floatingOutputs) {
    Graph graph = new Graph();
    Map<Node, Node> substitution = new HashMap<>();
    List<Node> wrt = new ArrayList<>();
    List<Node> directions = new ArrayList<>();
    List<Node> carries = declare(graph, "carry", body.carries(), floatingCarries, substitution, wrt, directions);
    List<Node> sequences = declare(graph, "x", body.sequences(), floatingSequences, substitution, wrt, directions);
    List<Node> constants = declare(graph, "c", body.constants(), floatingConstants, substitution, wrt, directions);
    List<Node> results = graph.inline(body.results(), substitution);
    int m = body.carries().size();
    List<Node> tangents = wrt.isEmpty() ? results.stream().map(Node::zerosLike).toList()
        : Autodiff.jvp(results, wrt, directions);
    List<Node> newCarries = new ArrayList<>(results.subList(0, m));
    floatingCarries.forEach(j -> newCarries.add(tangents.get(j)));
    List<Node> outputs = new ArrayList<>(results.subList(m, results.size()));
    floatingOutputs.forEach(i -> outputs.add(tangents.get(m + i)));
    return new ScanBody(graph, carries, sequences, constants, newCarries, outputs);
  }

  private static List<Node> declare(Graph graph, String prefix, List<Node> operands, List<Integer> floating,
      Map<Node, Node> substitution, List<Node> wrt, List<Node> directions) {
    List<Node> declared = new ArrayList<>();
    for (Node operand : operands) {
      Node in = graph.input(prefix + declared.size(), operand.dtype(), operand.shape().dims());
      substitution.put(operand, in);
      declared.add(in);
    }
    for (int k : floating) {
      Node operand = operands.get(k);
      Node dot = graph.input(prefix + k + "_dot", operand.dtype(), operand.shape().dims());
      wrt.add(declared.get(k));
      directions.add(dot);
      declared.add(dot);
    }
    return declared;
  }
}
