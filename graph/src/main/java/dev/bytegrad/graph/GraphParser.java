package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Comparison;
import dev.bytegrad.graph.op.Primitive;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text form written by {@link GraphPrinter} into a new graph. Text is data: it names only
 * primitives of the sealed {@link Primitive} hierarchy and builds them through the graph's checked
 * factory, so every shape rule runs again and a mismatch with a line's declared type is an error that
 * names the line.
 */
public final class GraphParser {
  /** A parsed graph and its {@code return} nodes. */
  public record Parsed(Graph graph, List<Node> outputs) {}

  private static final Map<String, Class<?>> PRIMITIVES = primitives();

  private final Graph graph = new Graph();
  private final Map<Integer, Node> numbered = new HashMap<>();
  private int lineNumber;

  private GraphParser() {}

  /** Parses {@code text}; fails with the line number and what is wrong. */
  public static Parsed parse(String text) {
    return new GraphParser().parseAll(text);
  }

  private Parsed parseAll(String text) {
    List<Node> outputs = null;
    for (String raw : text.split("\n", -1)) {
      lineNumber++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("return")) {
        outputs = references(line.substring("return".length()).replace(",", " "));
      } else {
        parseNode(line);
      }
    }
    if (outputs == null) {
      throw error("no 'return' line");
    }
    return new Parsed(graph, outputs);
  }

  private void parseNode(String line) {
    int equals = line.indexOf(" = ");
    int colon = line.lastIndexOf(" : ");
    if (!line.startsWith("%") || equals < 0 || colon < equals) {
      throw error("expected '%N = op[attributes] %inputs... : type'");
    }
    int number = integer(line.substring(1, equals), "node number");
    String body = line.substring(equals + 3, colon).strip();
    TensorType declared = parseType(line.substring(colon + 3).strip());
    int nameEnd = 0;
    while (nameEnd < body.length() && (Character.isLetterOrDigit(body.charAt(nameEnd)) || body.charAt(nameEnd) == '_')) {
      nameEnd++;
    }
    String name = body.substring(0, nameEnd);
    String rest = body.substring(nameEnd);
    Map<String, String> attributes = new LinkedHashMap<>();
    if (rest.startsWith("[")) {
      int close = matching(rest);
      splitAttributes(rest.substring(1, close), attributes);
      rest = rest.substring(close + 1);
    }
    Primitive op = build(name, attributes, declared);
    Node node;
    try {
      node = graph.apply(op, references(rest));
    } catch (GraphBuildException e) {
      throw error(e.getMessage());
    }
    if (!node.type().equals(declared)) {
      throw error("declared " + declared + " but " + name + " gives " + node.type());
    }
    if (numbered.put(number, node) != null) {
      throw error("%" + number + " is defined twice");
    }
  }

  private List<Node> references(String text) {
    List<Node> nodes = new ArrayList<>();
    for (String token : text.strip().split("\\s+")) {
      if (token.isEmpty()) {
        continue;
      }
      if (!token.startsWith("%")) {
        throw error("expected a node reference like %3, got '" + token + "'");
      }
      Node node = numbered.get(integer(token.substring(1), "node reference"));
      if (node == null) {
        throw error(token + " is used before it is defined");
      }
      nodes.add(node);
    }
    return nodes;
  }

  private Primitive build(String name, Map<String, String> attributes, TensorType declared) {
    Class<?> kind = PRIMITIVES.get(name);
    if (kind == null) {
      throw error("unknown op '" + name + "'");
    }
    if (kind == dev.bytegrad.graph.op.Scan.class) {
      throw error("a scan is printed with its body for reading, but its body cannot be read back from text; build loops with Scans.scan");
    }
    RecordComponent[] components = kind.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] arguments = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      String key = GraphPrinter.snakeCase(components[i].getName());
      if (types[i] == TensorType.class) {
        arguments[i] = declared;
        continue;
      }
      String value = attributes.remove(key);
      if (value == null) {
        throw error(name + " needs attribute '" + key + "'");
      }
      arguments[i] = convert(types[i], value.strip(), declared);
    }
    if (!attributes.isEmpty()) {
      throw error(name + " has no attribute " + attributes.keySet());
    }
    try {
      Constructor<?> constructor = kind.getDeclaredConstructor(types);
      return (Primitive) constructor.newInstance(arguments);
    } catch (InvocationTargetException e) {
      throw error("bad attributes for " + name + ": " + e.getCause().getMessage());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + kind.getSimpleName(), e);
    }
  }

  private Object convert(Class<?> type, String value, TensorType declared) {
    try {
      if (type == String.class) {
        return unquote(value);
      } else if (type == int.class) {
        return Integer.parseInt(value);
      } else if (type == double.class) {
        return Double.parseDouble(value);
      } else if (type == boolean.class) {
        return parseBoolean(value);
      } else if (type == DType.class) {
        return DType.parse(value);
      } else if (type == Shape.class) {
        return Shape.parse(value);
      } else if (type == Comparison.class) {
        return Comparison.valueOf(value.toUpperCase(java.util.Locale.ROOT));
      } else if (type == Init.class) {
        return Init.parse(value);
      } else if (type == Tensor.class) {
        return tensor(value, declared);
      } else if (type == List.class) {
        return java.util.Arrays.stream(Shape.parse(value).dims()).boxed().toList();
      }
    } catch (IllegalArgumentException e) {
      throw error("bad value '" + value + "': " + e.getMessage());
    }
    throw new IllegalStateException("no text form for attributes of type " + type);
  }

  private static boolean parseBoolean(String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("expected true or false");
    }
    return value.equals("true");
  }

  private Tensor tensor(String value, TensorType declared) {
    if (!value.startsWith("{") || !value.endsWith("}")) {
      throw new IllegalArgumentException("a literal's value is written {v0, v1, ...}");
    }
    String body = value.substring(1, value.length() - 1).strip();
    String[] parts = body.isEmpty() ? new String[0] : body.split(",");
    if (parts.length != declared.shape().size()) {
      throw new IllegalArgumentException(parts.length + " values for type " + declared);
    }
    Tensor tensor = Tensor.zeros(declared.dtype(), declared.shape());
    for (int i = 0; i < parts.length; i++) {
      tensor.setDouble(i, Double.parseDouble(parts[i].strip()));
    }
    return tensor;
  }

  private TensorType parseType(String text) {
    try {
      return TensorType.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  private int integer(String text, String what) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw error("bad " + what + " '" + text + "'");
    }
  }

  /** The index of the bracket closing the one {@code text} starts with, skipping quoted strings. */
  private int matching(String text) {
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if ((c == ']' || c == '}' || c == ')') && --depth == 0) {
        return i;
      }
    }
    throw error("unclosed '['");
  }

  private void splitAttributes(String text, Map<String, String> attributes) {
    int start = 0;
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ',';
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if (c == ']' || c == '}' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String attribute = text.substring(start, i).strip();
        int equals = attribute.indexOf('=');
        if (equals <= 0) {
          throw error("expected name=value, got '" + attribute + "'");
        }
        attributes.put(attribute.substring(0, equals).strip(), attribute.substring(equals + 1));
        start = i + 1;
      }
    }
  }

  private static String unquote(String text) {
    if (text.length() < 2 || !text.startsWith("\"") || !text.endsWith("\"")) {
      throw new IllegalArgumentException("expected a double-quoted string");
    }
    StringBuilder result = new StringBuilder();
    for (int i = 1; i < text.length() - 1; i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        result.append(c);
        continue;
      }
      char escaped = text.charAt(++i);
      switch (escaped) {
        case 'n' -> result.append('\n');
        case 't' -> result.append('\t');
        case 'u' -> {
          result.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> result.append(escaped);
      }
    }
    return result.toString();
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException("graph text line " + lineNumber + ": " + problem);
  }

  private static Map<String, Class<?>> primitives() {
    Map<String, Class<?>> byName = new HashMap<>();
    collect(Primitive.class, byName);
    return byName;
  }

  private static void collect(Class<?> sealed, Map<String, Class<?>> byName) {
    for (Class<?> kind : sealed.getPermittedSubclasses()) {
      if (kind.isInterface()) {
        collect(kind, byName);
      } else {
        byName.put(Primitive.nameOf(kind), kind);
      }
    }
  }
}
