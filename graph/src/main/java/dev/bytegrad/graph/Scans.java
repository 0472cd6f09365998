package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Exp;
import dev.bytegrad.graph.op.Logistic;
import dev.bytegrad.graph.op.Scan;
import dev.bytegrad.graph.op.ScanBody;
import dev.bytegrad.graph.op.Tanh;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loops in the DSL: {@link #scan} applies a step function along sequences, carrying a state. The step is
 * written with the DSL on stand-ins for the carries and for one slice of each sequence; any node of the
 * enclosing graph it uses (a weight, a bias) is captured as a constant of the loop, so a step reads like
 * the formula:
 *
 * <pre>{@code
 * // h_t = tanh(h_{t-1} W + x_t U + b), for x of shape [T, batch, features]
 * Scans.Result rnn = Scans.scan(List.of(h0), List.of(x),
 *     (h, xt) -> Scans.step(h.get(0).matmul(w).add(xt.get(0).matmul(u)).add(b).tanh()));
 * Node hs = rnn.output(0);    // [T, batch, hidden]
 * Node last = rnn.carry(0);   // [batch, hidden]
 * }</pre>
 *
 * <p>The loop is one {@link Scan} primitive: it stays a loop in the generated code, whatever its length,
 * and its derivatives are loops too.
 */
public final class Scans {
  private Scans() {}

  /** One step: from the carries and this step's slices to the new carries and this step's outputs. */
  @FunctionalInterface
  public interface Step {
    Out apply(List<Node> carries, List<Node> slices);
  }

  /** What a step returns: the new value of each carry, and this step's outputs. */
  public record Out(List<Node> carries, List<Node> outputs) {
    public Out {
      carries = List.copyOf(carries);
      outputs = List.copyOf(outputs);
    }
  }

  /** A step result for a single carry that is also the step's one output (a plain RNN). */
  public static Out step(Node carry) {
    return new Out(List.of(carry), List.of(carry));
  }

  /** A step result of new carries and outputs. */
  public static Out step(List<Node> carries, List<Node> outputs) {
    return new Out(carries, outputs);
  }

  /** The results of a loop: the final carries and the stacked outputs, and each carry's history on demand. */
  public static final class Result {
    private final Node[] results;
    private final List<Node> operands;
    private final Scan scan;

    private Result(Scan scan, List<Node> operands, int outputs) {
      this.scan = scan;
      this.operands = operands;
      int m = scan.body().carries().size();
      // the step's own outputs; the residuals after them are the business of reverse mode
      int q = outputs;
      this.results = new Node[m + q];
      Graph graph = operands.get(0).graph();
      for (int k = 0; k < m + q; k++) {
        results[k] = graph.apply(scan.result(k), operands);
      }
    }

    /** The value of carry {@code j} after the last step. */
    public Node carry(int j) {
      return results[j];
    }

    /** Output {@code i} of every step, stacked along a new leading axis of the loop's length. */
    public Node output(int i) {
      return results[scan.body().carries().size() + i];
    }

    /** The values carry {@code j} had entering each step, stacked like the outputs. */
    public Node history(int j) {
      int m = scan.body().carries().size();
      int q = scan.body().outputs().size();
      return operands.get(0).graph().apply(scan.result(m + q + j), operands);
    }

    public List<Node> carries() {
      return Arrays.asList(results).subList(0, scan.body().carries().size());
    }

    public List<Node> outputs() {
      return Arrays.asList(results).subList(scan.body().carries().size(), results.length);
    }
  }

  /** {@code step} along the sequences (which share their leading axis, the loop's length), from {@code init}. */
  public static Result scan(List<Node> init, List<Node> sequences, Step step) {
    if (sequences.isEmpty()) {
      throw new GraphBuildException("scan", types(init), "a scan without sequences needs its length: use scan(init, sequences, length, reverse, step)",
          CallSite.capture());
    }
    return scan(init, sequences, sequences.get(0).shape().rank() == 0 ? -1 : sequences.get(0).shape().dim(0), false, step);
  }

  /**
   * {@code step} applied {@code length} times, from {@code init}, reading slice t of each sequence at
   * step t — from the last slice to the first when {@code reverse}. Reverse mode reads the step's
   * residuals from this loop (see {@link #recomputing} for the other trade).
   */
  public static Result scan(List<Node> init, List<Node> sequences, int length, boolean reverse, Step step) {
    return scan(init, sequences, length, reverse, step, true);
  }

  /**
   * As {@link #scan(List, List, int, boolean, Step)}, but reverse mode keeps only the carries of each step
   * and computes the rest of the step again in the backward loop, as {@code jax.checkpoint} does: less
   * memory (an LSTM's residuals are five times its hidden state per step), more arithmetic (its gate
   * product twice a step).
   */
  public static Result recomputing(List<Node> init, List<Node> sequences, int length, boolean reverse, Step step) {
    return scan(init, sequences, length, reverse, step, false);
  }

  private static Result scan(List<Node> init, List<Node> sequences, int length, boolean reverse, Step step,
      boolean keepResiduals) {
    List<Node> operands = new ArrayList<>(init);
    operands.addAll(sequences);
    if (operands.isEmpty()) {
      throw new GraphBuildException("scan", List.of(), "a scan needs a carry or a sequence", CallSite.capture());
    }
    Graph outer = operands.get(0).graph();
    List<TensorType> types = types(operands);
    for (Node operand : operands) {
      if (operand.graph() != outer) {
        throw new GraphBuildException("scan", types, "the carries and sequences belong to different graphs", CallSite.capture());
      }
    }
    for (int i = 0; i < sequences.size(); i++) {
      Node sequence = sequences.get(i);
      if (sequence.shape().rank() == 0 || sequence.shape().dim(0) != length) {
        throw new GraphBuildException("scan", types, "sequence " + i + " (" + sequence.type() + ") must have "
            + length + " slices along its first axis" + (i > 0 ? ", as sequence 0 has" : ""), CallSite.capture());
      }
    }
    if (length < 0) {
      throw new GraphBuildException("scan", types, "a scan's length must not be negative", CallSite.capture());
    }
    Graph graph = outer.nested();
    List<Node> carries = new ArrayList<>();
    for (Node carry : init) {
      carries.add(graph.input("carry" + carries.size(), carry.dtype(), carry.shape().dims()));
    }
    List<Node> slices = new ArrayList<>();
    for (Node sequence : sequences) {
      int[] dims = sequence.shape().dims();
      slices.add(graph.input("x" + slices.size(), sequence.dtype(), Arrays.copyOfRange(dims, 1, dims.length)));
    }
    Out out = step.apply(List.copyOf(carries), List.copyOf(slices));
    if (out.carries().size() != carries.size()) {
      throw new GraphBuildException("scan", types, "the step returns " + out.carries().size() + " carries for "
          + carries.size() + " initial ones", CallSite.capture());
    }
    List<Node> newCarries = out.carries().stream().map(graph::local).toList();
    List<Node> outputs = out.outputs().stream().map(graph::local).toList();
    for (int j = 0; j < carries.size(); j++) {
      if (!newCarries.get(j).type().equals(carries.get(j).type())) {
        throw new GraphBuildException("scan", types, "the step returns carry " + j + " as " + newCarries.get(j).type()
            + ", but it starts as " + carries.get(j).type() + ": a carry keeps its type from step to step", CallSite.capture());
      }
    }
    List<Node> constants = new ArrayList<>(graph.captures().values());
    List<Node> captured = new ArrayList<>(graph.captures().keySet());
    List<Node> withResiduals = new ArrayList<>(outputs);
    if (keepResiduals) {
      withResiduals.addAll(residuals(newCarries, outputs, carries, slices));
    }
    ScanBody body;
    try {
      body = new ScanBody(graph, carries, slices, constants, newCarries, withResiduals);
    } catch (IllegalArgumentException e) {
      throw new GraphBuildException("scan", types, e.getMessage(), CallSite.capture());
    }
    operands.addAll(captured);
    return new Result(new Scan(body, length, reverse, 0), operands, outputs.size());
  }

  /**
   * The residuals of a step: the values of its sigmoids, tanhs and exponentials that change from step to
   * step, added after the step's own outputs. Their derivatives are written in their values, so reverse
   * mode reads them from the forward loop (which stacks them only then) instead of computing each step
   * again in the backward loop: an LSTM's gates, and the matrix product they come from, once a step rather
   * than twice. A loop run without its derivative computes none of them.
   */
  private static List<Node> residuals(List<Node> newCarries, List<Node> outputs, List<Node> carries, List<Node> slices) {
    List<Node> results = new ArrayList<>(newCarries);
    results.addAll(outputs);
    java.util.Set<Node> varying = new java.util.HashSet<>(carries);
    varying.addAll(slices);
    List<Node> residuals = new ArrayList<>();
    for (Node node : Topology.reachable(results)) {
      if (node.inputs().stream().anyMatch(varying::contains)) {
        varying.add(node);
        boolean readsItsValue = node.op() instanceof Logistic || node.op() instanceof Tanh || node.op() instanceof Exp;
        if (readsItsValue && !outputs.contains(node) && node.dtype().isFloating()) {
          residuals.add(node);
        }
      }
    }
    return residuals;
  }

  private static List<TensorType> types(List<Node> nodes) {
    return nodes.stream().map(Node::type).toList();
  }
}
