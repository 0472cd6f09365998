package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A loop: {@code body} applied {@code length} times, carrying a state from step to step. Step t reads
 * slice t of each sequence; with {@code reverse} the steps run from the last slice to the first.
 *
 * <p>Operands: the initial value of each carry, then each sequence (its leading axis of size
 * {@code length}), then each constant. A scan has several results, and one node stands for each of them,
 * chosen by {@code output}: {@code [0, m)} the final value of carry j; {@code [m, m+q)} body output i of
 * every step, stacked along a new leading axis (slice t from the step that read slice t); and
 * {@code [m+q, 2m+q)} the history of carry j, the value it had entering the step that read slice t. Nodes
 * of one scan on the same operands are siblings: the compiler runs their loop once, and reverse mode
 * differentiates them together.
 *
 * <p>Reverse mode is a scan running the other way: its carries are the cotangents of the carries and
 * the sums of the constants' cotangents, its output the cotangent of each sequence slice. Each backward
 * step reads what it needs of its forward step from the carry history and from the body's outputs
 * (among them the residuals {@code Scans} adds: values whose derivatives are written in them), and
 * computes the rest again from the carries. Forward mode is one scan carrying values and tangents together.
 * Both are scans whose bodies are derived by autodiff of this body, so they differentiate again.
 */
public record Scan(ScanBody body, int length, boolean reverse, int output) implements Primitive {

  public Scan {
    if (length < 0) {
      throw new IllegalArgumentException("a scan's length must not be negative, got " + length);
    }
    int results = 2 * body.carries().size() + body.outputs().size();
    if (output < 0 || output >= results) {
      throw new IllegalArgumentException("a scan of this body has results 0.." + (results - 1) + ", not " + output);
    }
  }

  private int carryCount() {
    return body.carries().size();
  }

  private int outputCount() {
    return body.outputs().size();
  }

  /** The same loop's result {@code index}, a sibling of this one. */
  public Scan result(int index) {
    return new Scan(body, length, reverse, index);
  }

  @Override
  public TensorType infer(List<TensorType> inputs) {
    List<TensorType> expected = body.operandTypes();
    Check.arity(inputs, expected.size());
    int m = carryCount();
    int n = body.sequences().size();
    for (int k = 0; k < inputs.size(); k++) {
      TensorType want = expected.get(k);
      if (k >= m && k < m + n) {
        want = stacked(want, length);
      }
      Check.that(inputs.get(k).equals(want), role(k) + " must be " + want + ", got " + inputs.get(k));
    }
    return resultType(output);
  }

  private String role(int operand) {
    int m = carryCount();
    int n = body.sequences().size();
    return operand < m ? "the initial carry " + operand
        : operand < m + n ? "sequence " + (operand - m) + " (" + length + " slices)" : "constant " + (operand - m - n);
  }

  /** The type of result {@code index}. */
  public TensorType resultType(int index) {
    int m = carryCount();
    int q = outputCount();
    if (index < m) {
      return body.carries().get(index).type();
    }
    if (index < m + q) {
      return stacked(body.outputs().get(index - m).type(), length);
    }
    return stacked(body.carries().get(index - m - q).type(), length);
  }

  static TensorType stacked(TensorType slice, int length) {
    int[] dims = new int[slice.rank() + 1];
    dims[0] = length;
    System.arraycopy(slice.shape().dims(), 0, dims, 1, slice.rank());
    return slice.withShape(Shape.of(dims));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return run(inputs, dev.bytegrad.graph.Interpreter.float64()::evaluate, false).get(output);
  }

  /**
   * Every result of the loop, in result order, evaluating the body with {@code evaluator} (outputs and
   * feeds to values), so that the caller's precision carries into the body: the body's operands are fed
   * in their declared dtypes when {@code declared}, floating ones in f64 otherwise.
   */
  public List<Value> run(List<Value> inputs, BiFunction<List<Node>, Map<Node, Tensor>, List<Tensor>> evaluator,
      boolean declared) {
    java.util.function.Function<Node, dev.bytegrad.runtime.DType> feedType =
        node -> declared || !node.dtype().isFloating() ? node.dtype() : dev.bytegrad.runtime.DType.F64;
    int m = carryCount();
    int n = body.sequences().size();
    int q = outputCount();
    List<Value> carry = new ArrayList<>(inputs.subList(0, m));
    List<double[]> stackedOutputs = new ArrayList<>();
    for (int i = 0; i < q; i++) {
      stackedOutputs.add(new double[resultType(m + i).shape().size()]);
    }
    List<double[]> histories = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      histories.add(new double[resultType(m + q + j).shape().size()]);
    }
    Map<Node, Tensor> feeds = new HashMap<>();
    for (int l = 0; l < body.constants().size(); l++) {
      Node constant = body.constants().get(l);
      feeds.put(constant, inputs.get(m + n + l).toTensor(feedType.apply(constant)));
    }
    for (int step = 0; step < length; step++) {
      int t = reverse ? length - 1 - step : step;
      for (int j = 0; j < m; j++) {
        double[] value = carry.get(j).data();
        System.arraycopy(value, 0, histories.get(j), t * value.length, value.length);
        feeds.put(body.carries().get(j), carry.get(j).toTensor(feedType.apply(body.carries().get(j))));
      }
      for (int i = 0; i < n; i++) {
        Node slice = body.sequences().get(i);
        int size = slice.shape().size();
        double[] data = new double[size];
        System.arraycopy(inputs.get(m + i).data(), t * size, data, 0, size);
        feeds.put(slice, new Value(slice.shape(), data).toTensor(feedType.apply(slice)));
      }
      List<Tensor> results = evaluator.apply(body.results(), feeds);
      for (int j = 0; j < m; j++) {
        carry.set(j, Value.of(results.get(j)));
      }
      for (int i = 0; i < q; i++) {
        double[] value = results.get(m + i).toDoubleArray();
        System.arraycopy(value, 0, stackedOutputs.get(i), t * value.length, value.length);
      }
    }
    List<Value> all = new ArrayList<>(carry);
    for (int i = 0; i < q; i++) {
      all.add(new Value(resultType(m + i).shape(), stackedOutputs.get(i)));
    }
    for (int j = 0; j < m; j++) {
      all.add(new Value(resultType(m + q + j).shape(), histories.get(j)));
    }
    return all;
  }

  // ---- derivatives: see ScanDerivatives ----

  @Override
  public List<Node> vjp(Node y, Node g) {
    return ScanDerivatives.vjp(List.of(y), java.util.Arrays.asList(g));
  }

  /**
   * The cotangents of the operands of sibling scan nodes (one loop, several of its results), given a
   * cotangent for each sibling ({@code null} where it has none): one backward scan for all of them.
   */
  public static List<Node> vjp(List<Node> siblings, List<Node> cotangents) {
    return ScanDerivatives.vjp(siblings, cotangents);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return ScanTangents.jvp(this, y, tangents);
  }
}
