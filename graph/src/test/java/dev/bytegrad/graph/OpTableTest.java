package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.OpTable.Derivative;
import dev.bytegrad.graph.OpTable.Domain;
import dev.bytegrad.graph.OpTable.Entry;
import dev.bytegrad.graph.OpTable.Operand;
import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.op.Primitive;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Shuffle;
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

/** Every primitive, from one table: coverage, shapes, evaluation and derivatives. */
class OpTableTest {
  static List<Entry> entries() {
    return OpTable.ENTRIES;
  }

  /** A built entry: its graph's operand nodes, the result, and random values for the operands. */
  private record Built(List<Node> operands, Node result, Map<Node, Tensor> feeds) {}

  private static Built build(Entry entry, DType floating) {
    Graph graph = new Graph();
    List<Node> operands = new ArrayList<>();
    for (int i = 0; i < entry.operands().size(); i++) {
      Operand operand = entry.operands().get(i);
      DType dtype = operand.dtype().isFloating() ? floating : operand.dtype();
      operands.add(graph.input(String.valueOf((char) ('a' + i)), dtype, operand.dims()));
    }
    return new Built(operands, entry.build().apply(operands), feeds(entry, operands));
  }

  private static Map<Node, Tensor> feeds(Entry entry, List<Node> operands) {
    SplittableRandom random = new SplittableRandom(entry.name().hashCode());
    int distinctCount = 0;
    for (int i = 0; i < operands.size(); i++) {
      distinctCount += entry.operands().get(i).domain() == Domain.DISTINCT ? operands.get(i).shape().size() : 0;
    }
    int[] distinctOrder = Shuffle.permutation(distinctCount, random);
    int nextDistinct = 0;
    Map<Node, Tensor> feeds = new HashMap<>();
    for (int i = 0; i < operands.size(); i++) {
      Node node = operands.get(i);
      Tensor value = Tensor.zeros(node.dtype(), node.shape());
      for (int k = 0; k < value.size(); k++) {
        value.setDouble(k, switch (entry.operands().get(i).domain()) {
          case REAL -> random.nextGaussian();
          case POSITIVE -> 0.5 + 1.5 * random.nextDouble();
          case DISTINCT -> (random.nextBoolean() ? 1 : -1) * (0.2 + 0.15 * distinctOrder[nextDistinct++]);
          case INDEX -> random.nextInt(4);
        });
      }
      feeds.put(node, value);
    }
    return feeds;
  }

  @Test
  void table_coversEveryPrimitive() {
    Set<Class<?>> primitives = new HashSet<>();
    collect(Primitive.class, primitives);
    Set<Class<?>> covered = new HashSet<>();
    entries().forEach(entry -> covered.add(entry.covers()));
    Set<Class<?>> missing = new HashSet<>(primitives);
    missing.removeAll(covered);
    assertThat(missing).as("primitives without an op-table entry").isEmpty();
    assertThat(primitives).hasSizeGreaterThanOrEqualTo(25);
  }

  private static void collect(Class<?> sealed, Set<Class<?>> into) {
    for (Class<?> kind : sealed.getPermittedSubclasses()) {
      if (kind == Leaf.class) {
        continue;
      }
      if (kind.isInterface()) {
        collect(kind, into);
      } else {
        into.add(kind);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("entries")
  void entry_resultIsTheCoveredPrimitive(Entry entry) {
    assertThat(build(entry, DType.F64).result().op()).isInstanceOf(entry.covers());
  }

  @ParameterizedTest
  @MethodSource("entries")
  void inferredType_equalsEvaluatedType_inF32AndF64(Entry entry) {
    for (DType floating : List.of(DType.F32, DType.F64)) {
      Built built = build(entry, floating);
      Tensor value = Interpreter.declared().evaluate(built.result(), built.feeds());
      assertThat(value.shape()).isEqualTo(built.result().shape());
      assertThat(value.dtype()).isEqualTo(built.result().dtype());
    }
  }

  @ParameterizedTest
  @MethodSource("entries")
  void vjp_matchesFiniteDifferencesInF64(Entry entry) {
    Built built = build(entry, DType.F64);
    List<Node> wrt = built.operands().stream().filter(n -> n.dtype().isFloating()).toList();
    Node loss = weightedSum(built.result(), entry.name().hashCode());
    if (entry.derivative() == Derivative.ZERO) {
      for (Tensor gradient : Interpreter.float64().evaluate(Autodiff.grad(loss, wrt), built.feeds())) {
        assertThat(gradient.toDoubleArray()).containsOnly(0.0);
      }
      return;
    }
    GradientCheck.Report report = GradientCheck.check(loss, wrt, built.feeds());
    assertThat(report.worstRelativeError()).as(report.toString()).isLessThan(1e-6);
    int elements = wrt.stream().mapToInt(n -> n.shape().size()).sum();
    assertThat(report.elementsChecked()).isEqualTo(elements);
  }

  /** {@code sum(result * w)} with fixed random weights w, so every output element matters differently. */
  private static Node weightedSum(Node result, long seed) {
    Node floating = result.cast(DType.F64);
    Shape shape = floating.shape();
    SplittableRandom random = new SplittableRandom(seed);
    Tensor weights = Tensor.zeros(DType.F64, shape);
    for (int i = 0; i < weights.size(); i++) {
      weights.setDouble(i, random.nextGaussian());
    }
    return floating.mul(result.graph().constant(weights)).sum();
  }
}
