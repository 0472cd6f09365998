package dev.bytegrad.graph.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GraphPrinter;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.Topology;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.op.Input;
import dev.bytegrad.graph.op.MatMul;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RewriteTest {
  static List<RuleCases.Case> cases() {
    return RuleCases.CASES;
  }

  @Test
  void everyRule_hasACase() {
    Set<Rule> covered = new HashSet<>();
    cases().forEach(c -> covered.add(c.rule()));
    assertThat(covered).containsExactlyInAnyOrderElementsOf(Rules.all());
  }

  @Test
  void padsApartOrOverlapping_stayASum() {
    Graph g = new Graph();
    Node x = g.input("x", DType.F64, 2, 1);
    Node y = g.input("y", DType.F64, 2, 2);
    // a zero column between them, and y over x's column
    Node apart = x.pad(new int[] {0, 0}, new int[] {0, 3}).add(y.pad(new int[] {0, 2}, new int[] {0, 0}));
    Node overlapping = x.pad(new int[] {0, 1}, new int[] {0, 1}).add(y.pad(new int[] {0, 1}, new int[] {0, 0}));
    // on two axes at once
    Node diagonal = x.pad(new int[] {0, 0}, new int[] {1, 2}).add(x.pad(new int[] {1, 1}, new int[] {0, 1}));
    Rewriter.Result result = Rewriter.simplify(List.of(apart, overlapping, diagonal));
    assertThat(result.firings()).doesNotContainKey(Rules.ADJACENT_PADS.name());
  }

  @Test
  void padsSideBySide_inEitherOrder_becomeOneConcat() {
    Graph g = new Graph();
    Node x = g.input("x", DType.F64, 2, 1);
    Node y = g.input("y", DType.F64, 2, 2);
    Node sum = y.pad(new int[] {0, 1}, new int[] {0, 0}).add(x.pad(new int[] {0, 0}, new int[] {0, 2}));
    assertThat(GraphPrinter.print(Rewriter.simplify(List.of(sum)).outputs())).isEqualTo("""
        %0 = input[name="x"] : f64[2,1]
        %1 = input[name="y"] : f64[2,2]
        %2 = concat[axis=1] %0 %1 : f64[2,3]
        return %2
        """);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rule_rewritesItsCase_toTheExpectedText(RuleCases.Case c) {
    Node before = c.build().apply(new Graph());
    Rewriter.Result result = Rewriter.simplify(List.of(before));
    assertThat(result.firings()).containsKey(c.rule().name());
    assertThat(GraphPrinter.print(result.outputs())).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rule_keepsEveryValue(RuleCases.Case c) {
    Node before = c.build().apply(new Graph());
    Node after = Rewriter.simplify(List.of(before)).outputs().get(0);
    SplittableRandom random = new SplittableRandom(c.rule().name().hashCode());
    Map<String, Tensor> values = new HashMap<>();
    assertThat(evaluate(after, values, random).toDoubleArray()).containsExactly(evaluate(before, values, random).toDoubleArray());
  }

  /** Evaluates {@code output}, feeding each input and parameter a random value kept by name across calls. */
  private static Tensor evaluate(Node output, Map<String, Tensor> values, SplittableRandom random) {
    Map<Node, Tensor> feeds = new HashMap<>();
    for (Node node : Topology.reachable(List.of(output))) {
      String name = node.op() instanceof Input i ? i.name() : node.op() instanceof Parameter p ? p.name() : null;
      if (name != null) {
        feeds.put(node, values.computeIfAbsent(name, n -> randomTensor(node, random)));
      }
    }
    return Interpreter.float64().evaluate(output, feeds);
  }

  private static Tensor randomTensor(Node node, SplittableRandom random) {
    Tensor tensor = Tensor.zeros(node.dtype(), node.shape());
    for (int i = 0; i < tensor.size(); i++) {
      tensor.setDouble(i, node.dtype() == DType.I32 ? random.nextInt(3) : random.nextGaussian());
    }
    return tensor;
  }

  /** The loss of softmax regression (no hidden layer) or the MLP, with its parameter gradients. */
  private static List<Node> lossAndGradients(int hidden) {
    Graph g = new Graph();
    Node x = g.input("x", 64, 784);
    Node y = g.input("y", DType.I32, 64);
    Node features = hidden == 0 ? x : Layers.dense(x, "hidden", hidden, Init.heNormal()).relu();
    Node loss = Losses.crossEntropy(Layers.dense(features, "output", 10, Init.glorotUniform()), y);
    List<Node> outputs = new ArrayList<>(List.of(loss));
    outputs.addAll(Autodiff.grad(loss, g.parameters()));
    return outputs;
  }

  private static long matmuls(List<Node> outputs) {
    return Topology.reachable(outputs).stream().filter(n -> n.op() instanceof MatMul).count();
  }

  @Test
  void softmaxAndMlpGradients_simplifyToAFixedPoint_withTheMatmulsAHandWrittenBackwardPassNeeds() {
    for (int hidden : new int[] {0, 256}) {
      List<Node> before = lossAndGradients(hidden);
      Rewriter.Result result = Rewriter.simplify(before);
      for (Node node : Topology.reachable(result.outputs())) {
        for (Rule rule : Rules.all()) {
          assertThat(rule.apply(node)).as("rule %s still applies to %s", rule.name(), GraphPrinter.line(node)).isNull();
        }
      }
      // forward x.w (and h.w2); backward dW (and dW2, dH, dW1): no matmul for the input's gradient
      assertThat(matmuls(result.outputs())).isEqualTo(hidden == 0 ? 2 : 5).isEqualTo(matmuls(before));
      assertThat(result.nodeCounts()).containsKeys("input", "canonicalize", "simplify", "fold constants", "dead code");
      Graph g = before.get(0).graph();
      Map<Node, Tensor> feeds = new HashMap<>(Parameters.initialize(g, 1).feeds(g));
      Map<Node, Tensor> afterFeeds = new HashMap<>();
      SplittableRandom random = new SplittableRandom(2);
      Map<String, Tensor> byName = new HashMap<>();
      for (Node leaf : Topology.reachable(before)) {
        if (leaf.op() instanceof Input input) {
          feeds.put(leaf, byName.computeIfAbsent(input.name(), n -> randomTensor(leaf, random)));
        }
        if (leaf.op() instanceof Parameter parameter) {
          byName.put(parameter.name(), feeds.get(leaf));
        }
      }
      for (Node leaf : Topology.reachable(result.outputs())) {
        String name = leaf.op() instanceof Input i ? i.name() : leaf.op() instanceof Parameter p ? p.name() : null;
        if (name != null) {
          afterFeeds.put(leaf, byName.get(name));
        }
      }
      List<Tensor> expected = Interpreter.float64().evaluate(before, feeds);
      List<Tensor> actual = Interpreter.float64().evaluate(result.outputs(), afterFeeds);
      for (int i = 0; i < expected.size(); i++) {
        double[] want = expected.get(i).toDoubleArray();
        double[] got = actual.get(i).toDoubleArray();
        for (int k = 0; k < want.length; k++) {
          assertThat(got[k]).isCloseTo(want[k], org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(want[k]))));
        }
      }
    }
  }
}
