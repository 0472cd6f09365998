package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Input;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.op.Scan;
import dev.bytegrad.graph.op.Value;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: evaluates any graph, node by node, with each primitive's reference
 * evaluation. It is the oracle the compiled backends are tested against, not a fast path.
 *
 * <p>Arithmetic is done in double precision. With {@link #declared()} every f32 node's result is rounded
 * to float, as a float32 execution would; with {@link #float64()} nothing is rounded and floating inputs
 * may be fed in either precision — the mode finite-difference checks use.
 */
public final class Interpreter {
  private final boolean roundToDeclared;

  private Interpreter(boolean roundToDeclared) {
    this.roundToDeclared = roundToDeclared;
  }

  /** Evaluates in the dtypes the graph declares; results have the nodes' dtypes. */
  public static Interpreter declared() {
    return new Interpreter(true);
  }

  /** Evaluates every floating node in f64; floating results are f64 tensors. */
  public static Interpreter float64() {
    return new Interpreter(false);
  }

  /** The value of {@code output} given a tensor for every input and parameter it depends on. */
  public Tensor evaluate(Node output, Map<Node, Tensor> feeds) {
    return evaluate(List.of(output), feeds).get(0);
  }

  /** The values of {@code outputs} given a tensor for every input and parameter they depend on. */
  public List<Tensor> evaluate(List<Node> outputs, Map<Node, Tensor> feeds) {
    Map<Node, Value> values = new HashMap<>();
    Map<List<Object>, List<Value>> loops = new HashMap<>();
    for (Node node : Topology.reachable(outputs)) {
      Value value;
      if (node.op() instanceof Input || node.op() instanceof Parameter) {
        value = feed(node, feeds);
      } else if (node.op() instanceof Scan scan) {
        List<Value> arguments = new ArrayList<>(node.inputs().size());
        node.inputs().forEach(input -> arguments.add(values.get(input)));
        List<Object> loop = List.of(scan.body(), scan.length(), scan.reverse(), node.inputs());
        value = loops.computeIfAbsent(loop, k -> scan.run(arguments, this::evaluate, roundToDeclared)).get(scan.output());
      } else {
        List<Value> arguments = new ArrayList<>(node.inputs().size());
        node.inputs().forEach(input -> arguments.add(values.get(input)));
        value = node.op().evaluate(arguments, node.type());
      }
      values.put(node, roundToDeclared && node.dtype() == DType.F32 ? value.map(v -> (float) v) : value);
    }
    List<Tensor> results = new ArrayList<>(outputs.size());
    for (Node output : outputs) {
      results.add(values.get(output).toTensor(resultType(output)));
    }
    return results;
  }

  private DType resultType(Node node) {
    return roundToDeclared || !node.dtype().isFloating() ? node.dtype() : DType.F64;
  }

  private Value feed(Node leaf, Map<Node, Tensor> feeds) {
    Tensor tensor = feeds.get(leaf);
    String what = leaf.op().opName() + " '" + name(leaf) + "' (" + leaf.type() + ")";
    if (tensor == null) {
      throw new IllegalArgumentException("no value fed for " + what);
    }
    boolean typeFits = tensor.dtype() == leaf.dtype()
        || (!roundToDeclared && tensor.dtype().isFloating() && leaf.dtype().isFloating());
    if (!typeFits || !tensor.shape().equals(leaf.shape())) {
      throw new IllegalArgumentException(
          "the value fed for " + what + " is " + tensor.dtype() + tensor.shape());
    }
    return Value.of(tensor);
  }

  /** The name of an input or parameter node; any other node's {@code %id:type}. */
  static String name(Node node) {
    if (node.op() instanceof Input input) {
      return input.name();
    }
    return node.op() instanceof Parameter parameter ? parameter.name() : node.toString();
  }
}
