package dev.bytegrad.graph.rewrite;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies phases of rules to the graph of some outputs. Each pass rebuilds the graph node by node into a
 * fresh {@link Graph}, offering every rebuilt node to the phase's rules until none applies; passes repeat
 * until one changes nothing. Only what the outputs depend on is rebuilt, so the last copy is also the
 * dead-code elimination. Work is bounded: at most {@value #MAX_PASSES} passes per phase.
 */
public final class Rewriter {
  static final int MAX_PASSES = 20;
  private static final int MAX_RULES_PER_NODE = 64;

  /** The rewritten outputs (in a new graph), node counts after each phase, and how often each rule fired. */
  public record Result(List<Node> outputs, Map<String, Integer> nodeCounts, Map<String, Integer> firings) {}

  private final Map<String, Integer> firings = new LinkedHashMap<>();

  private Rewriter() {}

  /** Simplifies with the standard phases ({@link Phases#STANDARD}). */
  public static Result simplify(List<Node> outputs) {
    return rewrite(outputs, Phases.STANDARD);
  }

  /** Rewrites {@code outputs} with {@code phases}, in order, each to a fixed point. */
  public static Result rewrite(List<Node> outputs, List<Phase> phases) {
    Rewriter rewriter = new Rewriter();
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("input", Topology.reachable(outputs).size());
    List<Node> current = outputs;
    for (Phase phase : phases) {
      for (int pass = 0; pass < MAX_PASSES; pass++) {
        int before = rewriter.total();
        current = rewriter.rebuild(current, phase.rules());
        if (rewriter.total() == before) {
          break;
        }
      }
      counts.put(phase.name(), Topology.reachable(current).size());
    }
    return new Result(current, counts, rewriter.firings);
  }

  private int total() {
    return firings.values().stream().mapToInt(Integer::intValue).sum();
  }

  private List<Node> rebuild(List<Node> outputs, List<Rule> rules) {
    Graph target = new Graph();
    Map<Node, Node> rebuilt = new HashMap<>();
    for (Node node : Topology.reachable(outputs)) {
      List<Node> inputs = new ArrayList<>(node.inputs().size());
      node.inputs().forEach(input -> inputs.add(rebuilt.get(input)));
      rebuilt.put(node, offer(target.apply(node.op(), inputs), rules));
    }
    List<Node> result = new ArrayList<>();
    outputs.forEach(output -> result.add(rebuilt.get(output)));
    return result;
  }

  /** Applies the first rule that fits, again and again, until none does. */
  private Node offer(Node node, List<Rule> rules) {
    Node current = node;
    for (int applied = 0; applied < MAX_RULES_PER_NODE; applied++) {
      Node next = null;
      for (Rule rule : rules) {
        next = rule.apply(current);
        if (next != null) {
          firings.merge(rule.name(), 1, Integer::sum);
          break;
        }
      }
      if (next == null) {
        return current;
      }
      current = next;
    }
    return current;
  }
}
