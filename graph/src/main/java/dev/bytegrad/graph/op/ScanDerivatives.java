package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse mode of a {@link Scan}, a scan itself: one backward scan for all the siblings of a loop,
 * reading the forward values it needs from the saved carries and stacked outputs (computing again only
 * what neither holds), with the constants' gradient terms that allow it computed after the loop from
 * stacked values. The backward body is built by {@link Autodiff} and kept in the forward body. Forward
 * mode is {@link ScanTangents}.
 */
final class ScanDerivatives {
  private ScanDerivatives() {}

  /** See {@link Scan#vjp(List, List)}. */
  static List<Node> vjp(List<Node> siblings, List<Node> cotangents) {
    Node first = siblings.get(0);
    Scan scan = (Scan) first.op();
    ScanBody body = scan.body();
    int m = body.carries().size();
    int n = body.sequences().size();
    int p = body.constants().size();
    int q = body.outputs().size();
    Node[] carryBar = new Node[m];
    Node[] outputBar = new Node[q];
    Node[] historyBar = new Node[m];
    for (int s = 0; s < siblings.size(); s++) {
      Node g = cotangents.get(s);
      if (g == null) {
        continue;
      }
      int index = ((Scan) siblings.get(s).op()).output();
      Node[] slot = index < m ? carryBar : index < m + q ? outputBar : historyBar;
      int at = index < m ? index : index < m + q ? index - m : index - m - q;
      slot[at] = slot[at] == null ? g : slot[at].add(g);
    }
    List<Integer> floatingCarries = floating(body.carries());
    List<Integer> floatingSequences = floating(body.sequences());
    List<Integer> floatingConstants = floating(body.constants());
    List<Integer> withOutputBar = indices(outputBar);
    List<Integer> withHistoryBar = indices(historyBar);
    if (floatingCarries.isEmpty() && withOutputBar.isEmpty()) {
      return java.util.Collections.nCopies(first.inputs().size(), null);
    }
    Backward backward = body.derived(List.of("vjp", withOutputBar, withHistoryBar),
        () -> backwardBody(body, floatingCarries, floatingSequences, floatingConstants, withOutputBar, withHistoryBar));

    List<Node> operands = first.inputs();
    List<Node> inputs = new ArrayList<>();
    for (int j : floatingCarries) {
      inputs.add(carryBar[j] != null ? carryBar[j] : operands.get(j).zerosLike());
    }
    for (int a = 0; a < floatingConstants.size(); a++) {
      if (backward.accumulated().get(a) >= 0) {
        inputs.add(operands.get(m + n + floatingConstants.get(a)).zerosLike());
      }
    }
    for (int i : withOutputBar) {
      inputs.add(outputBar[i]);
    }
    for (int j : withHistoryBar) {
      inputs.add(historyBar[j]);
    }
    Graph graph = first.graph();
    for (int j = 0; j < m; j++) {
      inputs.add(graph.apply(scan.result(m + q + j), operands));
    }
    inputs.addAll(operands.subList(m, m + n));
    for (int i : backward.saved()) {
      inputs.add(graph.apply(scan.result(m + i), operands));
    }
    inputs.addAll(operands.subList(m + n, m + n + p));
    Scan reverse = new Scan(backward.body(), scan.length(), !scan.reverse(), 0);
    int backCarries = backward.body().carries().size();
    java.util.function.IntFunction<Node> stacked = ref -> ref >= 0
        ? graph.apply(reverse.result(backCarries + ref), inputs)
        : inputs.get(backCarries + (-ref - 1));

    List<Node> result = new ArrayList<>(java.util.Collections.nCopies(operands.size(), (Node) null));
    for (int k = 0; k < floatingCarries.size(); k++) {
      result.set(floatingCarries.get(k), graph.apply(reverse.result(k), inputs));
    }
    for (int a = 0; a < floatingConstants.size(); a++) {
      int carry = backward.accumulated().get(a);
      Node total = carry >= 0 ? graph.apply(reverse.result(carry), inputs) : null;
      for (Term term : backward.terms().get(a)) {
        Node value = term.outside(stacked, scan.length());
        total = total == null ? value : total.add(value);
      }
      Node constant = operands.get(m + n + floatingConstants.get(a));
      result.set(m + n + floatingConstants.get(a), total != null ? total : constant.zerosLike());
    }
    for (int a = 0; a < floatingSequences.size(); a++) {
      result.set(m + floatingSequences.get(a), graph.apply(reverse.result(backCarries + a), inputs));
    }
    return result;
  }

  /**
   * A backward body, and for each floating constant how its cotangent is made: the backward carry that
   * accumulates it step by step ({@code -1} for none), and terms computed after the loop from values
   * stacked over the steps.
   */
  private record Backward(ScanBody body, List<Integer> accumulated, List<List<Term>> terms, List<Integer> saved) {}

  /**
   * A term of a constant's cotangent summed over the steps, computed once after the loop instead of in
   * every step: for a weight used as {@code h W} in the body, {@code sum_t h_t^T g_t} is one large
   * product {@code H^T G} of the stacked values (what cuDNN does for recurrent weights), and a bias's
   * {@code sum_t sum(g_t)} one sum over the stacked values. A stacked value is named by {@code ref}: a
   * backward output ({@code ref >= 0}) or a backward sequence ({@code -ref - 1}).
   */
  private sealed interface Term {
    Node outside(java.util.function.IntFunction<Node> stacked, int length);
  }

  /** {@code sum_t A_t B_t} for {@code A_t [p, k]}, {@code B_t [k, r]}, each stacked as itself or as its transpose. */
  private record Product(int left, boolean leftTransposed, int right, boolean rightTransposed) implements Term {
    @Override
    public Node outside(java.util.function.IntFunction<Node> stacked, int length) {
      Node a = stacked.apply(left);
      Node b = stacked.apply(right);
      // a holds A_t, or U_t = A_t^T [k, p]; b holds B_t, or V_t = B_t^T [r, k]
      Node aRows = leftTransposed ? merged(a) : merged(a.transpose(0, 2, 1));
      Node bRows = rightTransposed ? merged(b.transpose(0, 2, 1)) : merged(b);
      return aRows.transpose(1, 0).matmul(bRows);
    }

    /** [T, k, c] as [T k, c]. */
    private static Node merged(Node x) {
      return x.reshape(x.shape().dim(0) * x.shape().dim(1), x.shape().dim(2));
    }
  }

  /** {@code sum_t sum(X_t, axes)}. */
  private record Total(int x, List<Integer> axes) implements Term {
    @Override
    public Node outside(java.util.function.IntFunction<Node> stacked, int length) {
      Node all = stacked.apply(x);
      List<Integer> shifted = new ArrayList<>(List.of(0));
      axes.forEach(axis -> shifted.add(axis + 1));
      return all.sum(shifted, false);
    }
  }

  /**
   * The body of the backward scan. Carries: the cotangent of each floating carry, then the running sum
   * of each floating constant's cotangent. Sequences: the cotangents of the outputs that have one, of
   * the histories that have one, the history of every carry, and every forward sequence. Constants: the
   * forward constants. Outputs: the cotangent of each floating sequence's slice.
   */
  private static Backward backwardBody(ScanBody body, List<Integer> floatingCarries, List<Integer> floatingSequences,
      List<Integer> floatingConstants, List<Integer> withOutputBar, List<Integer> withHistoryBar) {
    Graph graph = new Graph();
    List<Node> lambdas = new ArrayList<>();
    for (int j : floatingCarries) {
      lambdas.add(graph.input("carry_bar" + j, body.carries().get(j).dtype(), body.carries().get(j).shape().dims()));
    }
    List<Node> sums = new ArrayList<>();
    for (int l : floatingConstants) {
      Node constant = body.constants().get(l);
      sums.add(graph.input("constant_bar" + l, constant.dtype(), constant.shape().dims()));
    }
    List<Node> outputBars = new ArrayList<>();
    for (int i : withOutputBar) {
      Node out = body.outputs().get(i);
      outputBars.add(graph.input("output_bar" + i, out.dtype(), out.shape().dims()));
    }
    List<Node> historyBars = new ArrayList<>();
    for (int j : withHistoryBar) {
      Node carry = body.carries().get(j);
      historyBars.add(graph.input("history_bar" + j, carry.dtype(), carry.shape().dims()));
    }
    Map<Node, Node> substitution = new HashMap<>();
    List<Node> carriesIn = new ArrayList<>();
    for (Node carry : body.carries()) {
      Node in = graph.input("carry_in" + carriesIn.size(), carry.dtype(), carry.shape().dims());
      substitution.put(carry, in);
      carriesIn.add(in);
    }
    List<Node> slices = new ArrayList<>();
    for (Node slice : body.sequences()) {
      Node in = graph.input("x" + slices.size(), slice.dtype(), slice.shape().dims());
      substitution.put(slice, in);
      slices.add(in);
    }
    List<Node> constants = new ArrayList<>();
    for (Node constant : body.constants()) {
      Node in = graph.input("c" + constants.size(), constant.dtype(), constant.shape().dims());
      substitution.put(constant, in);
      constants.add(in);
    }
    List<Node> results = graph.inline(body.results(), substitution);
    int m = body.carries().size();
    List<Node> pulled = new ArrayList<>();
    List<Node> bars = new ArrayList<>();
    for (int a = 0; a < floatingCarries.size(); a++) {
      pulled.add(results.get(floatingCarries.get(a)));
      bars.add(lambdas.get(a));
    }
    for (int a = 0; a < withOutputBar.size(); a++) {
      pulled.add(results.get(m + withOutputBar.get(a)));
      bars.add(outputBars.get(a));
    }
    List<Node> wrt = new ArrayList<>();
    floatingCarries.forEach(j -> wrt.add(carriesIn.get(j)));
    floatingSequences.forEach(i -> wrt.add(slices.get(i)));
    floatingConstants.forEach(l -> wrt.add(constants.get(l)));
    List<Node> grads = Autodiff.vjp(pulled, bars, wrt);

    List<Node> newCarries = new ArrayList<>();
    for (int a = 0; a < floatingCarries.size(); a++) {
      Node back = grads.get(a);
      int h = withHistoryBar.indexOf(floatingCarries.get(a));
      newCarries.add(h >= 0 ? back.add(historyBars.get(h)) : back);
    }
    int offset = floatingCarries.size() + floatingSequences.size();
    List<Node> outputs = new ArrayList<>(grads.subList(floatingCarries.size(), offset));
    List<Node> sequences = new ArrayList<>(outputBars);
    sequences.addAll(historyBars);
    sequences.addAll(carriesIn);
    sequences.addAll(slices);
    List<Node> carries = new ArrayList<>(lambdas);
    List<Integer> accumulated = new ArrayList<>();
    List<List<Term>> terms = new ArrayList<>();
    for (int a = 0; a < floatingConstants.size(); a++) {
      List<Node> residual = new ArrayList<>();
      List<Term> hoisted = new ArrayList<>();
      for (Node term : addends(grads.get(offset + a))) {
        Term outside = hoist(term, outputs, sequences);
        if (outside != null) {
          hoisted.add(outside);
        } else {
          residual.add(term);
        }
      }
      terms.add(hoisted);
      if (residual.isEmpty()) {
        accumulated.add(-1);
        continue;
      }
      accumulated.add(carries.size());
      Node sum = sums.get(a);
      carries.add(sum);
      Node next = sum;
      for (Node term : residual) {
        next = next.add(term);
      }
      newCarries.add(next);
    }
    return readSaved(graph, results.subList(m, m + body.outputs().size()), carries, sequences, constants, newCarries,
        outputs, accumulated, terms);
  }

  /**
   * The backward body, reading the forward values it needs that the forward loop stacks as outputs (a
   * gate's activation kept as a residual, see {@code Scans}) instead of computing them again from the
   * carries: each such output becomes one more sequence of the backward loop, read at the step's slice.
   * A forward value is needed as a value only here, after differentiation, so replacing it cuts no
   * derivative path; what it was computed from is left unused, and dropped.
   */
  private static Backward readSaved(Graph built, List<Node> forwardOutputs, List<Node> carries, List<Node> sequences,
      List<Node> constants, List<Node> newCarries, List<Node> outputs, List<Integer> accumulated, List<List<Term>> terms) {
    List<Node> backResults = new ArrayList<>(newCarries);
    backResults.addAll(outputs);
    java.util.Set<Node> reachable = new java.util.HashSet<>(dev.bytegrad.graph.Topology.reachable(backResults));
    List<Integer> saved = new ArrayList<>();
    for (int i = 0; i < forwardOutputs.size(); i++) {
      Node value = forwardOutputs.get(i);
      if (!(value.op() instanceof Leaf) && reachable.contains(value) && forwardOutputs.indexOf(value) == i) {
        saved.add(i);
      }
    }
    if (saved.isEmpty()) {
      return new Backward(new ScanBody(built, carries, sequences, constants, newCarries, outputs), accumulated, terms, List.of());
    }
    Graph graph = new Graph();
    Map<Node, Node> substitution = new HashMap<>();
    java.util.function.Function<List<Node>, List<Node>> redeclare = old -> {
      List<Node> fresh = new ArrayList<>();
      for (Node input : old) {
        Node copy = graph.input(((Input) input.op()).name(), input.dtype(), input.shape().dims());
        substitution.put(input, copy);
        fresh.add(copy);
      }
      return fresh;
    };
    List<Node> newCarryInputs = redeclare.apply(carries);
    List<Node> newSequences = redeclare.apply(sequences);
    List<Node> newConstants = redeclare.apply(constants);
    for (int i : saved) {
      Node value = forwardOutputs.get(i);
      Node input = graph.input("saved" + i, value.dtype(), value.shape().dims());
      substitution.put(value, input);
      newSequences.add(input);
    }
    List<Node> copied = graph.inline(backResults, substitution);
    return new Backward(new ScanBody(graph, newCarryInputs, newSequences, newConstants,
        copied.subList(0, newCarries.size()), copied.subList(newCarries.size(), copied.size())), accumulated, terms, saved);
  }

  /** The terms of a sum, splitting additions of operands of the sum's own type. */
  private static List<Node> addends(Node node) {
    if (node.op() instanceof Add && node.input(0).type().equals(node.type()) && node.input(1).type().equals(node.type())) {
      List<Node> all = new ArrayList<>(addends(node.input(0)));
      all.addAll(addends(node.input(1)));
      return all;
    }
    return List.of(node);
  }

  /**
   * The term computed after the loop for {@code term}, a step's contribution to a constant's cotangent,
   * or null when it must be accumulated in the loop. A factor that is a sequence of the backward loop is
   * read from that sequence; any other becomes an output of the loop (once).
   */
  private static Term hoist(Node term, List<Node> outputs, List<Node> sequences) {
    if (term.op() instanceof MatMul && term.shape().rank() == 2 && term.input(0).shape().rank() == 2
        && term.input(1).shape().rank() == 2) {
      Node left = term.input(0);
      Node right = term.input(1);
      boolean leftTransposed = left.op() instanceof Transpose;
      boolean rightTransposed = right.op() instanceof Transpose;
      return new Product(stackedRef(leftTransposed ? left.input(0) : left, outputs, sequences), leftTransposed,
          stackedRef(rightTransposed ? right.input(0) : right, outputs, sequences), rightTransposed);
    }
    if (term.op() instanceof Sum sum && !sum.keepDims()) {
      return new Total(stackedRef(term.input(0), outputs, sequences), sum.axes());
    }
    return null;
  }

  private static int stackedRef(Node value, List<Node> outputs, List<Node> sequences) {
    int sequence = sequences.indexOf(value);
    if (sequence >= 0) {
      return -sequence - 1;
    }
    int output = outputs.indexOf(value);
    if (output < 0) {
      output = outputs.size();
      outputs.add(value);
    }
    return output;
  }

  /** The indices of the floating-point nodes among {@code nodes}: the operands a derivative flows through. */
  static List<Integer> floating(List<Node> nodes) {
    List<Integer> indices = new ArrayList<>();
    for (int k = 0; k < nodes.size(); k++) {
      if (nodes.get(k).dtype().isFloating()) {
        indices.add(k);
      }
    }
    return indices;
  }

  /** The indices of the entries of {@code present} that are not null. */
  static List<Integer> indices(Node[] present) {
    List<Integer> indices = new ArrayList<>();
    for (int k = 0; k < present.length; k++) {
      if (present[k] != null) {
        indices.add(k);
      }
    }
    return indices;
  }
}
