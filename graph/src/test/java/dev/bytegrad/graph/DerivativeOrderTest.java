package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.OpTable.Derivative;
import dev.bytegrad.graph.OpTable.Entry;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward mode and second order, for every op-table entry, in f64: JVP against central differences,
 * VJP against JVP through the adjoint identity {@code <u, vjp(v)> = <jvp(u), v>}, grad of grad against
 * finite differences of the gradient, and jvp of grad (a Hessian-vector product) likewise.
 */
class DerivativeOrderTest {
  private static final double STEP = 1e-6;

  static List<Entry> entries() {
    return OpTable.ENTRIES;
  }

  private static Node randomLike(Node like, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Tensor values = Tensor.zeros(like.dtype(), like.shape());
    for (int i = 0; i < values.size(); i++) {
      values.setDouble(i, random.nextGaussian());
    }
    return like.graph().constant(values);
  }

  private static List<Node> floating(OpTable.Built built) {
    return built.operands().stream().filter(n -> n.dtype().isFloating()).toList();
  }

  /** The feeds with every floating operand moved by {@code scale} times its direction. */
  private static Map<Node, Tensor> moved(OpTable.Built built, List<Node> wrt, List<Tensor> directions, double scale) {
    Map<Node, Tensor> feeds = new HashMap<>(built.feeds());
    for (int i = 0; i < wrt.size(); i++) {
      Tensor value = built.feeds().get(wrt.get(i)).copy();
      for (int k = 0; k < value.size(); k++) {
        value.setDouble(k, value.getDouble(k) + scale * directions.get(i).getDouble(k));
      }
      feeds.put(wrt.get(i), value);
    }
    return feeds;
  }

  /** Central differences of {@code outputs} along the directions, element by element. */
  private static List<double[]> centralDifferences(OpTable.Built built, List<Node> wrt, List<Tensor> directions, List<Node> outputs) {
    List<Tensor> plus = Interpreter.float64().evaluate(outputs, moved(built, wrt, directions, STEP));
    List<Tensor> minus = Interpreter.float64().evaluate(outputs, moved(built, wrt, directions, -STEP));
    List<double[]> differences = new ArrayList<>();
    for (int o = 0; o < outputs.size(); o++) {
      double[] d = new double[plus.get(o).size()];
      for (int k = 0; k < d.length; k++) {
        d[k] = (plus.get(o).getDouble(k) - minus.get(o).getDouble(k)) / (2 * STEP);
      }
      differences.add(d);
    }
    return differences;
  }

  private static void assertClose(double[] actual, double[] expected, double tolerance, String what) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int k = 0; k < expected.length; k++) {
      assertThat(Math.abs(actual[k] - expected[k])).as("%s element %d: %s vs %s", what, k, actual[k], expected[k])
          .isLessThanOrEqualTo(tolerance * Math.max(1, Math.abs(expected[k])));
    }
  }

  private static List<Tensor> evaluate(List<Node> nodes) {
    return Interpreter.float64().evaluate(nodes, Map.of());
  }

  @ParameterizedTest
  @MethodSource("entries")
  void jvp_matchesCentralDifferences(Entry entry) {
    OpTable.Built built = OpTable.build(entry, DType.F64);
    List<Node> wrt = floating(built);
    List<Node> directions = new ArrayList<>();
    wrt.forEach(n -> directions.add(randomLike(n, n.id() * 7919L + entry.name().hashCode())));
    Node tangent = Autodiff.jvp(List.of(built.result()), wrt, directions).get(0);
    double[] forward = Interpreter.float64().evaluate(tangent, built.feeds()).toDoubleArray();
    if (entry.derivative() == Derivative.ZERO) {
      assertThat(forward).containsOnly(0.0);
      return;
    }
    double[] numeric = centralDifferences(built, wrt, evaluate(directions), List.of(built.result())).get(0);
    assertClose(forward, numeric, 1e-6, entry + " jvp");
  }

  @ParameterizedTest
  @MethodSource("entries")
  void vjpAndJvp_satisfyTheAdjointIdentity(Entry entry) {
    OpTable.Built built = OpTable.build(entry, DType.F64);
    List<Node> wrt = floating(built);
    if (!built.result().dtype().isFloating() || wrt.isEmpty()) {
      return;
    }
    List<Node> u = new ArrayList<>();
    wrt.forEach(n -> u.add(randomLike(n, n.id() + 31L * entry.name().hashCode())));
    Node v = randomLike(built.result(), entry.name().hashCode());
    List<Node> pulled = Autodiff.vjp(List.of(built.result()), List.of(v), wrt);
    Node pushed = Autodiff.jvp(List.of(built.result()), wrt, u).get(0);
    Node left = null;
    for (int i = 0; i < wrt.size(); i++) {
      Node term = u.get(i).mul(pulled.get(i)).sum();
      left = left == null ? term : left.add(term);
    }
    Node right = pushed.mul(v).sum();
    List<Tensor> sides = Interpreter.float64().evaluate(List.of(left, right), built.feeds());
    double l = sides.get(0).getDouble(0);
    double r = sides.get(1).getDouble(0);
    assertThat(Math.abs(l - r)).as("%s: <u, vjp(v)> = %s, <jvp(u), v> = %s", entry, l, r).isLessThanOrEqualTo(1e-10 * (1 + Math.abs(l)));
  }

  @ParameterizedTest
  @MethodSource("entries")
  void gradOfGrad_matchesCentralDifferencesOfTheGradient(Entry entry) {
    if (entry.derivative() == Derivative.ZERO) {
      return;
    }
    OpTable.Built built = OpTable.build(entry, DType.F64);
    List<Node> wrt = floating(built);
    List<Node> gradients = Autodiff.grad(OpTable.weightedSum(built.result(), entry.name().hashCode()), wrt);
    Node projected = null;
    for (Node gradient : gradients) {
      Node term = gradient.mul(randomLike(gradient, gradient.id())).sum();
      projected = projected == null ? term : projected.add(term);
    }
    GradientCheck.Report report = GradientCheck.check(projected, wrt, built.feeds());
    assertThat(report.worstRelativeError()).as("%s: %s", entry, report).isLessThan(1e-5);
  }

  @ParameterizedTest
  @MethodSource("entries")
  void jvpOfGrad_matchesCentralDifferencesOfTheGradient(Entry entry) {
    if (entry.derivative() == Derivative.ZERO) {
      return;
    }
    OpTable.Built built = OpTable.build(entry, DType.F64);
    List<Node> wrt = floating(built);
    Node loss = OpTable.weightedSum(built.result(), entry.name().hashCode());
    List<Node> directions = new ArrayList<>();
    wrt.forEach(n -> directions.add(randomLike(n, 17L * n.id() + 3)));
    List<Node> products = Autodiff.hvp(loss, wrt, directions);
    List<Tensor> exact = Interpreter.float64().evaluate(products, built.feeds());
    List<double[]> numeric = centralDifferences(built, wrt, evaluate(directions), Autodiff.grad(loss, wrt));
    for (int i = 0; i < wrt.size(); i++) {
      assertClose(exact.get(i).toDoubleArray(), numeric.get(i), 1e-5, entry + " hvp operand " + i);
    }
  }
}
