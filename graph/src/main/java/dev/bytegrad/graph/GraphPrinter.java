package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Primitive;
import dev.bytegrad.graph.op.ScanBody;
import dev.bytegrad.runtime.Tensor;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The graph's text form, one line per node in topological order, in the spirit of a jaxpr:
 *
 * <pre>
 * %0 = input[name="x"] : f32[32,64]
 * %1 = parameter[name="w", init=glorot_uniform] : f32[64,10]
 * %2 = matmul %0 %1 : f32[32,10]
 * return %2
 * </pre>
 *
 * <p>Attributes are the primitive record's components in snake case. Nodes are numbered afresh from 0,
 * so the text of a graph does not depend on what else its {@link Graph} holds; {@link GraphParser}
 * reads it back to an equal graph.
 */
public final class GraphPrinter {
  private GraphPrinter() {}

  /** The text of everything {@code outputs} depend on. */
  public static String print(List<Node> outputs) {
    Map<Node, Integer> numbers = new HashMap<>();
    StringBuilder text = new StringBuilder();
    for (Node node : Topology.reachable(outputs)) {
      numbers.put(node, numbers.size());
      text.append('%').append(numbers.get(node)).append(" = ").append(node.op().opName())
          .append(attributes(node.op(), true));
      for (Node input : node.inputs()) {
        text.append(" %").append(numbers.get(input));
      }
      text.append(" : ").append(node.type()).append('\n');
    }
    return text.append("return ")
        .append(outputs.stream().map(o -> "%" + numbers.get(o)).collect(Collectors.joining(", ")))
        .append('\n').toString();
  }

  /** One node alone, by graph ids: {@code %12 = matmul %3 %5 : f32[32,64]}. */
  public static String line(Node node) {
    StringBuilder text = new StringBuilder("%").append(node.id()).append(" = ").append(node.op().opName())
        .append(attributes(node.op(), false));
    node.inputs().forEach(input -> text.append(" %").append(input.id()));
    return text.append(" : ").append(node.type()).toString();
  }

  /** {@code [name=value, ...]}, or nothing for a primitive without attributes. */
  static String attributes(Primitive op) {
    return attributes(op, true);
  }

  /** The attributes; a loop's body in full when {@code bodies}, else in one line. */
  static String attributes(Primitive op, boolean bodies) {
    String attributes = java.util.Arrays.stream(op.getClass().getRecordComponents())
        .filter(c -> c.getType() != TensorType.class)
        .map(c -> snakeCase(c.getName()) + "=" + (value(op, c) instanceof ScanBody body
            ? (bodies ? "{\n" + body.text("    ") + "\n  }" : body.toString()) : format(value(op, c))))
        .collect(Collectors.joining(", "));
    return attributes.isEmpty() ? "" : "[" + attributes + "]";
  }

  static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
  }

  private static Object value(Primitive op, RecordComponent component) {
    try {
      return component.getAccessor().invoke(op);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + component.getName() + " of " + op, e);
    }
  }

  private static String format(Object value) {
    if (value instanceof String string) {
      return quote(string);
    }
    if (value instanceof Init init) {
      return Init.format(init);
    }
    if (value instanceof Tensor tensor) {
      StringBuilder text = new StringBuilder("{");
      for (int i = 0; i < tensor.size(); i++) {
        text.append(i == 0 ? "" : ", ").append(tensor.elementText(i));
      }
      return text.append('}').toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }

  /** A double-quoted string with backslash escapes for quotes, backslashes and control characters. */
  static String quote(String string) {
    StringBuilder text = new StringBuilder("\"");
    for (char c : string.toCharArray()) {
      switch (c) {
        case '"' -> text.append("\\\"");
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\t' -> text.append("\\t");
        default -> {
          if (c < 0x20) {
            text.append(String.format("\\u%04x", (int) c));
          } else {
            text.append(c);
          }
        }
      }
    }
    return text.append('"').toString();
  }
}
