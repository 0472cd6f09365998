package dev.bytegrad.graph.rewrite;

import dev.bytegrad.graph.Node;
import java.util.function.UnaryOperator;

/**
 * One rewrite: a name, the identity it applies ({@code x * 1 => x}), and a function that, given a node
 * whose operands are already rewritten, returns an equal node built in the same graph, or {@code null}
 * when the rule does not apply. A rule must preserve the node's type and its values, IEEE special
 * values included.
 */
public record Rule(String name, String identity, UnaryOperator<Node> rewrite) {
  /** The replacement for {@code node}, or {@code null}. */
  public Node apply(Node node) {
    Node result = rewrite.apply(node);
    if (result != null && !result.type().equals(node.type())) {
      throw new IllegalStateException("rule " + name + " turned " + node.type() + " into " + result.type());
    }
    return result == node ? null : result;
  }

  @Override
  public String toString() {
    return name + ": " + identity;
  }
}
