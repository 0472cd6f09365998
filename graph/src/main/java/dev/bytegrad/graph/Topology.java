package dev.bytegrad.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Orders of nodes: what outputs depend on, in topological order. */
public final class Topology {
  private Topology() {}

  /** Every node {@code outputs} depend on, themselves included, inputs before users (by id). */
  public static List<Node> reachable(List<Node> outputs) {
    Set<Node> seen = new HashSet<>(outputs);
    Deque<Node> pending = new ArrayDeque<>(outputs);
    while (!pending.isEmpty()) {
      for (Node input : pending.pop().inputs()) {
        if (seen.add(input)) {
          pending.push(input);
        }
      }
    }
    List<Node> order = new ArrayList<>(seen);
    order.sort(Comparator.comparingInt(Node::id));
    return order;
  }
}
