package dev.bytegrad.graph;

import java.util.List;

/** Graphviz export: {@code dot -Tsvg graph.dot > graph.svg}. Inputs are boxes, parameters are bold. */
public final class Dot {
  private Dot() {}

  /** A {@code digraph} of everything {@code outputs} depend on, outputs drawn with a double border. */
  public static String export(List<Node> outputs) {
    StringBuilder dot = new StringBuilder("digraph bytegrad {\n  rankdir=TB;\n  node [fontname=\"monospace\"];\n");
    for (Node node : Topology.reachable(outputs)) {
      String label = node.op().opName() + GraphPrinter.attributes(node.op()) + "\\n" + node.type();
      String shape = switch (node.op().opName()) {
        case "input" -> "box";
        case "parameter" -> "box, style=bold";
        case "literal" -> "plaintext";
        default -> outputs.contains(node) ? "ellipse, peripheries=2" : "ellipse";
      };
      dot.append("  n").append(node.id()).append(" [label=").append(GraphPrinter.quote(label).replace("\\\\n", "\\n"))
          .append(", shape=").append(shape).append("];\n");
      for (Node input : node.inputs()) {
        dot.append("  n").append(input.id()).append(" -> n").append(node.id()).append(";\n");
      }
    }
    return dot.append("}\n").toString();
  }
}
