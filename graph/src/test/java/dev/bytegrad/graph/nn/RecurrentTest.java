package dev.bytegrad.graph.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.GradientCheck;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GraphBuildException;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Scans;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The recurrent layers as scans, against the same cells unrolled step by step into one big graph:
 * equal values, equal gradients (so reverse mode through the loop is backpropagation through time),
 * and gradients that match finite differences, through embeddings and a sequence cross-entropy.
 */
class RecurrentTest {
  private static final int T = 5;
  private static final int BATCH = 2;
  private static final int HIDDEN = 3;
  private static final int VOCABULARY = 4;

  /** A character model's loss, built either with the scan or unrolled. */
  private record Model(Graph graph, Node tokens, Node targets, Node loss, List<Node> parameters) {}

  private static Model model(boolean lstm, boolean unrolled) {
    Graph graph = new Graph();
    Node tokens = graph.input("tokens", DType.I32, T, BATCH);
    Node targets = graph.input("targets", DType.I32, T, BATCH);
    int gates = lstm ? 4 : 1;
    Init init = Init.uniform(-0.5, 0.5);
    Node projected = Layers.embedding(tokens, "embedding", VOCABULARY, gates * HIDDEN, Init.normal(0, 0.5));
    Node zeros = graph.constant(0, DType.F64).broadcastTo(Shape.of(BATCH, HIDDEN));
    Node x = projected.cast(DType.F64);
    Node states;
    if (!unrolled) {
      states = (lstm ? Recurrent.lstm(x, zeros, zeros, "cell", init) : Recurrent.rnn(x, zeros, "cell", init)).output(0);
    } else {
      Node w = graph.parameter("cell.recurrent", init, DType.F64, HIDDEN, gates * HIDDEN);
      Node bias = graph.parameter("cell.bias", Init.zeros(), DType.F64, gates * HIDDEN);
      Node b = lstm ? Recurrent.withForgetBias(bias) : bias;
      Node h = zeros;
      Node c = zeros;
      List<Node> steps = new ArrayList<>();
      for (int t = 0; t < T; t++) {
        Node xt = x.slice(new int[] {t, 0, 0}, new int[] {t + 1, BATCH, gates * HIDDEN}).reshape(BATCH, gates * HIDDEN);
        if (lstm) {
          Recurrent.LstmState next = Recurrent.lstmCell(xt, h, c, w, b);
          h = next.h();
          c = next.c();
        } else {
          h = Recurrent.rnnCell(xt, h, w, b);
        }
        steps.add(h.reshape(1, BATCH, HIDDEN));
      }
      states = Node.concat(0, steps.toArray(Node[]::new));
    }
    Node logits = Layers.dense(states, "output", VOCABULARY, init);
    Node loss = Losses.crossEntropy(logits, targets);
    return new Model(graph, tokens, targets, loss, graph.parameters());
  }

  private static Map<Node, Tensor> feeds(Model model, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<Node, Tensor> feeds = new HashMap<>();
    for (Node parameter : model.parameters()) {
      Tensor value = Tensor.zeros(DType.F64, parameter.shape());
      for (int i = 0; i < value.size(); i++) {
        value.setDouble(i, random.nextDouble(-0.8, 0.8));
      }
      feeds.put(parameter, value);
    }
    Tensor tokens = Tensor.zeros(DType.I32, Shape.of(T, BATCH));
    Tensor targets = Tensor.zeros(DType.I32, Shape.of(T, BATCH));
    for (int i = 0; i < tokens.size(); i++) {
      tokens.setDouble(i, random.nextInt(VOCABULARY));
      targets.setDouble(i, random.nextInt(VOCABULARY));
    }
    feeds.put(model.tokens(), tokens);
    feeds.put(model.targets(), targets);
    return feeds;
  }

  /** The same values for parameters of the same name in another model. */
  private static Map<Node, Tensor> sameFeeds(Model from, Map<Node, Tensor> feeds, Model to) {
    Map<Node, Tensor> result = new HashMap<>();
    feeds.forEach((node, value) -> result.put(to.graph().leaf(name(node)).orElseThrow(), value));
    return result;
  }

  private static String name(Node leaf) {
    return leaf.op() instanceof dev.bytegrad.graph.op.Input input ? input.name()
        : ((dev.bytegrad.graph.op.Parameter) leaf.op()).name();
  }

  private void scanAgreesWithUnrolled(boolean lstm) {
    Model scanned = model(lstm, false);
    Model unrolled = model(lstm, true);
    Map<Node, Tensor> feeds = feeds(scanned, 7);
    Map<Node, Tensor> unrolledFeeds = sameFeeds(scanned, feeds, unrolled);
    List<Node> outputs = new ArrayList<>(List.of(scanned.loss()));
    outputs.addAll(Autodiff.grad(scanned.loss(), scanned.parameters()));
    List<Node> expected = new ArrayList<>(List.of(unrolled.loss()));
    List<Node> unrolledParameters = scanned.parameters().stream().map(p -> unrolled.graph().leaf(name(p)).orElseThrow()).toList();
    expected.addAll(Autodiff.grad(unrolled.loss(), unrolledParameters));
    List<Tensor> got = Interpreter.float64().evaluate(outputs, feeds);
    List<Tensor> want = Interpreter.float64().evaluate(expected, unrolledFeeds);
    for (int i = 0; i < got.size(); i++) {
      double[] g = got.get(i).toDoubleArray();
      double[] w = want.get(i).toDoubleArray();
      for (int k = 0; k < w.length; k++) {
        assertThat(g[k]).as("output %d element %d", i, k).isCloseTo(w[k], org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(w[k]))));
      }
    }
    GradientCheck.Report report = GradientCheck.check(scanned.loss(), scanned.parameters(), feeds);
    assertThat(report.worstRelativeError()).as(report.toString()).isLessThan(1e-5);
  }

  @Test
  void rnn_scanAndUnrolledGiveTheSameLossAndGradients_andTheyMatchFiniteDifferences() {
    scanAgreesWithUnrolled(false);
  }

  @Test
  void lstm_scanAndUnrolledGiveTheSameLossAndGradients_andTheyMatchFiniteDifferences() {
    scanAgreesWithUnrolled(true);
  }

  @Test
  void lstm_backwardLoopReadsTheGatesFromTheForwardLoop_ratherThanComputingThemAgain() {
    Model model = model(true, false);
    List<Node> grads = Autodiff.grad(model.loss(), model.parameters());
    List<dev.bytegrad.graph.op.Scan> loops = dev.bytegrad.graph.Topology.reachable(grads).stream()
        .filter(node -> node.op() instanceof dev.bytegrad.graph.op.Scan).map(node -> (dev.bytegrad.graph.op.Scan) node.op())
        .distinct().toList();
    dev.bytegrad.graph.op.ScanBody forward = loops.stream().filter(scan -> !scan.reverse()).findFirst().orElseThrow().body();
    dev.bytegrad.graph.op.ScanBody backward = loops.stream().filter(dev.bytegrad.graph.op.Scan::reverse).findFirst().orElseThrow().body();
    // the step's own output (h), then its residuals: three sigmoid gates, the tanh candidate and tanh(c)
    assertThat(forward.outputs()).hasSize(6);
    assertThat(dev.bytegrad.graph.Topology.reachable(backward.results()))
        .as("the backward step computes no activation and no product of the carry with the recurrent weight again")
        .noneMatch(node -> node.op() instanceof dev.bytegrad.graph.op.Logistic || node.op() instanceof dev.bytegrad.graph.op.Tanh)
        .filteredOn(node -> node.op() instanceof dev.bytegrad.graph.op.MatMul).hasSize(1);
    assertThat(backward.sequences().stream().map(node -> ((dev.bytegrad.graph.op.Input) node.op()).name()))
        .contains("saved1", "saved2", "saved3", "saved4", "saved5");
  }

  @Test
  void recomputing_keepsOnlyTheCarries_andGivesTheSameGradients() {
    Graph graph = new Graph();
    Node x = graph.input("x", DType.F64, 4, 2, 3);
    Node w = graph.parameter("w", Init.uniform(-1, 1), DType.F64, 3, 3);
    Node zeros = graph.constant(0, DType.F64).broadcastTo(Shape.of(2, 3));
    Scans.Step step = (h, xt) -> Scans.step(h.get(0).matmul(w).add(xt.get(0)).tanh().sigmoid());
    Node kept = Scans.scan(List.of(zeros), List.of(x), 4, false, step).output(0).sum();
    Node recomputed = Scans.recomputing(List.of(zeros), List.of(x), 4, false, step).output(0).sum();
    List<Node> grads = List.of(Autodiff.grad(kept, List.of(w)).get(0), Autodiff.grad(recomputed, List.of(w)).get(0));
    SplittableRandom random = new SplittableRandom(9);
    Map<Node, Tensor> feeds = new HashMap<>();
    for (Node leaf : List.of(x, w)) {
      Tensor value = Tensor.zeros(DType.F64, leaf.shape());
      for (int i = 0; i < value.size(); i++) {
        value.setDouble(i, random.nextDouble(-1, 1));
      }
      feeds.put(leaf, value);
    }
    List<Tensor> values = Interpreter.float64().evaluate(grads, feeds);
    assertThat(values.get(1).toDoubleArray()).containsExactly(values.get(0).toDoubleArray());
    List<dev.bytegrad.graph.op.ScanBody> backward = dev.bytegrad.graph.Topology.reachable(List.of(grads.get(1))).stream()
        .filter(node -> node.op() instanceof dev.bytegrad.graph.op.Scan scan && scan.reverse())
        .map(node -> ((dev.bytegrad.graph.op.Scan) node.op()).body()).distinct().toList();
    assertThat(backward).hasSize(1);
    assertThat(dev.bytegrad.graph.Topology.reachable(backward.get(0).results()))
        .as("the backward step computes the tanh again").anyMatch(node -> node.op() instanceof dev.bytegrad.graph.op.Tanh);
  }

  @Test
  void lstm_withoutDerivatives_givesOnlyItsOwnOutputs() {
    Graph graph = new Graph();
    Node x = graph.input("x", DType.F64, 4, 1, 8);
    Node zeros = graph.constant(0, DType.F64).broadcastTo(Shape.of(1, 2));
    Scans.Result result = Recurrent.lstm(x, zeros, zeros, "cell", Init.uniform(-1, 1));
    assertThat(result.outputs()).hasSize(1);
    assertThat(result.outputs().get(0).shape()).isEqualTo(Shape.of(4, 1, 2));
  }

  @Test
  void lstm_carriesItsStateAcrossCalls_likeOneLongerSequence() {
    // truncated BPTT's forward pass: two halves, the second starting from the first's final state
    Graph graph = new Graph();
    Node x = graph.input("x", DType.F64, 6, 1, 8);
    Node zeros = graph.constant(0, DType.F64).broadcastTo(Shape.of(1, 2));
    Scans.Result whole = Recurrent.lstm(x, zeros, zeros, "cell", Init.uniform(-1, 1));
    Node first = x.slice(new int[] {0, 0, 0}, new int[] {3, 1, 8});
    Node second = x.slice(new int[] {3, 0, 0}, new int[] {6, 1, 8});
    Node w = graph.leaf("cell.recurrent").orElseThrow();
    Node bias = graph.leaf("cell.bias").orElseThrow();
    Node b = Recurrent.withForgetBias(bias);
    Scans.Step cell = (state, xt) -> {
      Recurrent.LstmState next = Recurrent.lstmCell(xt.get(0), state.get(0), state.get(1), w, b);
      return Scans.step(List.of(next.h(), next.c()), List.of(next.h()));
    };
    Scans.Result a = Scans.scan(List.of(zeros, zeros), List.of(first), cell);
    Scans.Result c = Scans.scan(List.of(a.carry(0), a.carry(1)), List.of(second), cell);
    SplittableRandom random = new SplittableRandom(3);
    Map<Node, Tensor> feeds = new HashMap<>();
    for (Node leaf : List.of(x, w, bias)) {
      Tensor value = Tensor.zeros(DType.F64, leaf.shape());
      for (int i = 0; i < value.size(); i++) {
        value.setDouble(i, random.nextDouble(-1, 1));
      }
      feeds.put(leaf, value);
    }
    List<Tensor> values = Interpreter.float64().evaluate(List.of(whole.carry(0), c.carry(0), whole.carry(1), c.carry(1)), feeds);
    assertThat(values.get(1).toDoubleArray()).containsExactly(values.get(0).toDoubleArray());
    assertThat(values.get(3).toDoubleArray()).containsExactly(values.get(2).toDoubleArray());
  }

  @Test
  void lstm_withInputsOfTheWrongWidth_namesTheLayerAndTheShapes() {
    Graph graph = new Graph();
    Node x = graph.input("x", 4, 2, 10);
    Node h0 = graph.input("h0", 2, 3);
    assertThatThrownBy(() -> Recurrent.lstm(x, h0, h0, "encoder", Init.zeros()))
        .isInstanceOf(GraphBuildException.class)
        .hasMessageContaining("lstm layer encoder")
        .hasMessageContaining("f32[4,2,10]")
        .hasMessageContaining("[T, B, 4H]");
  }

  @Test
  void scan_stepReturningACarryOfAnotherShape_isRefusedAtTheCall() {
    Graph graph = new Graph();
    Node h0 = graph.input("h0", 2, 3);
    Node xs = graph.input("xs", 4, 2, 3);
    assertThatThrownBy(() -> Scans.scan(List.of(h0), List.of(xs), (h, x) -> Scans.step(h.get(0).sum(1))))
        .isInstanceOf(GraphBuildException.class)
        .hasMessageContaining("carry 0 as f32[2]")
        .hasMessageContaining("starts as f32[2,3]")
        .hasMessageContaining("RecurrentTest.java");
  }

  @Test
  void scan_sequencesOfDifferentLengths_areRefused() {
    Graph graph = new Graph();
    Node h0 = graph.input("h0", 3);
    Node a = graph.input("a", 4, 3);
    Node b = graph.input("b", 5, 3);
    assertThatThrownBy(() -> Scans.scan(List.of(h0), List.of(a, b), (h, x) -> Scans.step(h.get(0).add(x.get(1)))))
        .isInstanceOf(GraphBuildException.class)
        .hasMessageContaining("sequence 1 (f32[5,3]) must have 4 slices");
  }

  @Test
  void scan_parameterDeclaredInsideTheStep_isRefusedWithTheFix() {
    Graph graph = new Graph();
    Node h0 = graph.input("h0", 3);
    Node xs = graph.input("xs", 4, 3);
    assertThatThrownBy(() -> Scans.scan(List.of(h0), List.of(xs),
        (h, x) -> Scans.step(h.get(0).mul(h.get(0).graph().parameter("w", Init.zeros(), 3)))))
        .isInstanceOf(GraphBuildException.class)
        .hasMessageContaining("parameter 'w' is declared inside a scan body")
        .hasMessageContaining("declare it outside");
  }
}
