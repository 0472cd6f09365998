package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GraphPrinter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a {@link Scan}: a function, held as a graph of its own, from the carried state, one step's
 * slice of each sequence, and constants to the new state and one step's outputs. Its operands are inputs
 * of its graph, in three groups: {@link #carries()}, {@link #sequences()} (each the type of one slice)
 * and {@link #constants()}.
 *
 * <p>Bodies compare by identity, so the scan nodes made from one body intern as usual. The bodies of
 * a scan's derivatives are made once per body and kept here, so that asking twice gives the same body.
 */
public final class ScanBody {
  private final Graph graph;
  private final List<Node> carries;
  private final List<Node> sequences;
  private final List<Node> constants;
  private final List<Node> carryResults;
  private final List<Node> outputs;
  private final Map<List<Object>, Object> derived = new HashMap<>();

  /**
   * A body over {@code graph}. Carries, sequences and constants must be distinct inputs of the graph;
   * each carry result must have its carry's type.
   */
  public ScanBody(Graph graph, List<Node> carries, List<Node> sequences, List<Node> constants,
      List<Node> carryResults, List<Node> outputs) {
    this.graph = graph;
    this.carries = List.copyOf(carries);
    this.sequences = List.copyOf(sequences);
    this.constants = List.copyOf(constants);
    this.carryResults = List.copyOf(carryResults);
    this.outputs = List.copyOf(outputs);
    if (carries.size() != carryResults.size()) {
      throw new IllegalArgumentException(carries.size() + " carries but " + carryResults.size() + " new carries");
    }
    List<Node> operands = operands();
    for (Node operand : operands) {
      if (operand.graph() != graph || !(operand.op() instanceof Input)) {
        throw new IllegalArgumentException("the operand " + operand + " of a scan body is not an input of its graph");
      }
    }
    if (operands.stream().distinct().count() != operands.size()) {
      throw new IllegalArgumentException("an input of a scan body is used for two operands");
    }
    for (int j = 0; j < carries.size(); j++) {
      if (!carries.get(j).type().equals(carryResults.get(j).type())) {
        throw new IllegalArgumentException("the body gives carry " + j + " the type " + carryResults.get(j).type()
            + ", but the carry is " + carries.get(j).type() + ": a carry keeps its type from step to step");
      }
    }
    for (Node result : results()) {
      if (result.graph() != graph) {
        throw new IllegalArgumentException("the result " + result + " of a scan body belongs to another graph");
      }
    }
    for (Node node : dev.bytegrad.graph.Topology.reachable(results())) {
      if (node.op() instanceof Parameter parameter) {
        throw new IllegalArgumentException("parameter '" + parameter.name() + "' is declared inside a scan body;"
            + " declare it outside and use it in the body, which captures it");
      }
      if (node.op() instanceof Input input && !operands.contains(node)) {
        throw new IllegalArgumentException("input '" + input.name() + "' is declared inside a scan body;"
            + " only the scan's own operands are inputs there");
      }
    }
  }

  public Graph graph() {
    return graph;
  }

  public List<Node> carries() {
    return carries;
  }

  public List<Node> sequences() {
    return sequences;
  }

  public List<Node> constants() {
    return constants;
  }

  /** The new value of each carry, in carry order. */
  public List<Node> carryResults() {
    return carryResults;
  }

  /** One step's outputs, stacked along a new leading axis by the scan. */
  public List<Node> outputs() {
    return outputs;
  }

  /** All operands: carries, then sequences, then constants. */
  public List<Node> operands() {
    List<Node> all = new ArrayList<>(carries);
    all.addAll(sequences);
    all.addAll(constants);
    return all;
  }

  /** All results: new carries, then outputs. */
  public List<Node> results() {
    List<Node> all = new ArrayList<>(carryResults);
    all.addAll(outputs);
    return all;
  }

  /** The types of the operands, in {@link #operands()} order. */
  public List<TensorType> operandTypes() {
    return operands().stream().map(Node::type).toList();
  }

  /** The body derived from this one for {@code key}, made by {@code make} the first time it is asked for. */
  @SuppressWarnings("unchecked")
  <T> T derived(List<Object> key, java.util.function.Supplier<T> make) {
    Object body = derived.get(key);
    if (body == null) {
      body = make.get();
      derived.put(key, body);
    }
    return (T) body;
  }

  /** The body's graph in the text form, indented by {@code indent}. */
  public String text(String indent) {
    String printed = GraphPrinter.print(results());
    return indent + printed.strip().replace("\n", "\n" + indent);
  }

  @Override
  public String toString() {
    return "body(" + carries.size() + " carries, " + sequences.size() + " sequences, " + constants.size()
        + " constants -> " + outputs.size() + " outputs)";
  }
}
