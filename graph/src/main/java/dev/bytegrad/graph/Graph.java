package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Input;
import dev.bytegrad.graph.op.Literal;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.op.Primitive;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The factory and owner of nodes. Every node is created here, and creation interns: applying an equal
 * primitive to the same inputs returns the existing node, so common subexpressions are shared for free.
 * Nodes are numbered in creation order, which is a topological order (inputs exist before their users).
 *
 * <p>A graph only grows: transforms such as {@link Autodiff#grad} add nodes and never change existing
 * ones. Inputs and parameters are named, and a name means one leaf. Not thread-safe.
 *
 * <pre>{@code
 * Graph g = new Graph();
 * Node x = g.input("x", 32, 64);
 * Node w = g.parameter("w", Init.glorotUniform(), 64, 10);
 * Node logits = x.matmul(w);
 * }</pre>
 */
public final class Graph {
  private record Key(Primitive op, List<Node> inputs) {}

  private final Map<Key, Node> interned = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Node> namedLeaves = new LinkedHashMap<>();
  private final Graph parent;
  private final Map<Node, Node> captures = new LinkedHashMap<>();

  /** An empty graph. */
  public Graph() {
    this(null);
  }

  private Graph(Graph parent) {
    this.parent = parent;
  }

  /**
   * A graph nested in this one, for the body of a loop: an operand from this graph (or one enclosing
   * it) used in the nested graph is captured — it becomes an input of the nested graph, which the loop
   * passes in as a constant. See {@link #captures()}.
   */
  public Graph nested() {
    return new Graph(this);
  }

  /** The enclosing graph of a nested one; null for a top-level graph. */
  public Graph parent() {
    return parent;
  }

  /** Each captured outer node and the input standing for it here, in capture order. */
  public Map<Node, Node> captures() {
    return Collections.unmodifiableMap(captures);
  }

  /** {@code node} itself when it is of this graph; the input capturing it when it is of an enclosing one. */
  Node local(Node node) {
    if (node.graph() == this) {
      return node;
    }
    if (!encloses(node.graph())) {
      throw new IllegalArgumentException(node + " belongs to a graph that does not enclose this one");
    }
    return capture(node);
  }

  /** The input of this nested graph standing for {@code outer}, a node of an enclosing graph. */
  private Node capture(Node outer) {
    Node here = outer.graph() == parent ? outer : parent.capture(outer);
    Node existing = captures.get(here);
    if (existing != null) {
      return existing;
    }
    Node input = apply(new Input("capture" + captures.size(), here.type()));
    captures.put(here, input);
    return input;
  }

  /** Whether {@code other} encloses this graph (is its parent, or its parent's, and so on). */
  boolean isNestedIn(Graph other) {
    return encloses(other);
  }

  private boolean encloses(Graph other) {
    for (Graph g = parent; g != null; g = g.parent) {
      if (g == other) {
        return true;
      }
    }
    return false;
  }

  /**
   * Copies the nodes {@code outputs} depend on into this graph, replacing each key of
   * {@code substitution} by its value, and returns the copies of the outputs. Leaves not substituted
   * are declared again here (an input or parameter by the same name).
   */
  public List<Node> inline(List<Node> outputs, Map<Node, Node> substitution) {
    Map<Node, Node> copies = new HashMap<>(substitution);
    for (Node node : Topology.reachable(outputs)) {
      if (copies.containsKey(node)) {
        continue;
      }
      List<Node> operands = new ArrayList<>(node.inputs().size());
      node.inputs().forEach(input -> operands.add(copies.get(input)));
      Node copy;
      if (operands.isEmpty() && node.op() instanceof dev.bytegrad.graph.op.Leaf) {
        copy = leafLike(node);
      } else {
        copy = apply(node.op(), operands);
      }
      copies.put(node, copy);
    }
    List<Node> result = new ArrayList<>(outputs.size());
    outputs.forEach(output -> result.add(copies.get(output)));
    return result;
  }

  private Node leafLike(Node leaf) {
    String name = leaf.op() instanceof Input input ? input.name() : leaf.op() instanceof Parameter p ? p.name() : null;
    Node existing = name == null ? null : namedLeaves.get(name);
    return existing != null && existing.op().equals(leaf.op()) ? existing : apply(leaf.op());
  }

  /** A named f32 input fed at each call. */
  public Node input(String name, int... dims) {
    return input(name, DType.F32, dims);
  }

  /** A named input of the given type, fed at each call. */
  public Node input(String name, DType dtype, int... dims) {
    return apply(new Input(name, new TensorType(dtype, Shape.of(dims))));
  }

  /** A named, trained f32 parameter initialized from {@code init}. */
  public Node parameter(String name, Init init, int... dims) {
    return parameter(name, init, DType.F32, dims);
  }

  /** A named, trained parameter of the given type, initialized from {@code init}. */
  public Node parameter(String name, Init init, DType dtype, int... dims) {
    return apply(new Parameter(name, new TensorType(dtype, Shape.of(dims)), init));
  }

  /** A scalar constant of the given type. */
  public Node constant(double value, DType dtype) {
    return constant(Tensor.scalar(dtype, value));
  }

  /** A constant tensor; the graph keeps a copy, so later changes to {@code value} do not reach it. */
  public Node constant(Tensor value) {
    return apply(new Literal(value.copy()));
  }

  /** The name of an input or parameter, checked: not empty, and not declared before as something else. */
  private String checkName(Primitive op) {
    String name = op instanceof Input input ? input.name() : op instanceof Parameter parameter ? parameter.name() : null;
    if (name == null) {
      return null;
    }
    if (name.isEmpty()) {
      throw new GraphBuildException(op.opName(), List.of(), "name must not be empty", CallSite.capture());
    }
    Node existing = namedLeaves.get(name);
    if (existing != null) {
      throw new GraphBuildException(op.opName(), List.of(),
          "'" + name + "' is already declared as " + existing.op().opName() + " " + existing.type()
              + " at " + existing.callSite(), CallSite.capture());
    }
    return name;
  }

  /** Applies {@code op} to {@code inputs}, interning: an equal application returns the existing node. */
  public Node apply(Primitive op, Node... inputs) {
    return apply(op, List.of(inputs));
  }

  /** Applies {@code op} to {@code inputs}, interning: an equal application returns the existing node. */
  public Node apply(Primitive op, List<Node> inputs) {
    Key key = new Key(op, List.copyOf(inputs));
    Node existing = interned.get(key);
    if (existing != null) {
      return existing;
    }
    List<TensorType> types = new ArrayList<>(inputs.size());
    if (inputs.stream().anyMatch(input -> input.graph() != this && encloses(input.graph()))) {
      List<Node> local = new ArrayList<>(inputs.size());
      inputs.forEach(input -> local.add(input.graph() != this && encloses(input.graph()) ? capture(input) : input));
      return apply(op, local);
    }
    for (Node input : inputs) {
      if (input.graph() != this) {
        throw new GraphBuildException(op.opName(), List.of(input.type()),
            "operand " + input + " belongs to another graph", CallSite.capture());
      }
      types.add(input.type());
    }
    TensorType type;
    try {
      type = op.infer(types);
    } catch (IllegalArgumentException e) {
      throw new GraphBuildException(op.opName(), types, e.getMessage(), CallSite.capture());
    }
    String name = checkName(op);
    Node node = new Node(this, op, key.inputs(), type, nodes.size(), CallSite.capture());
    nodes.add(node);
    interned.put(key, node);
    if (name != null) {
      namedLeaves.put(name, node);
    }
    return node;
  }

  /** Every node, in creation (topological) order. */
  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** The named inputs, in declaration order. */
  public List<Node> inputs() {
    return namedLeaves.values().stream().filter(n -> n.op() instanceof Input).toList();
  }

  /** The parameters, in declaration order. */
  public List<Node> parameters() {
    return namedLeaves.values().stream().filter(n -> n.op() instanceof Parameter).toList();
  }

  /** The input or parameter called {@code name}, if declared. */
  public Optional<Node> leaf(String name) {
    return Optional.ofNullable(namedLeaves.get(name));
  }

  /** Number of nodes. */
  public int size() {
    return nodes.size();
  }
}
