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
    assertThat(OpTable.build(entry, DType.F64).result().op()).isInstanceOf(entry.covers());
  }

  @ParameterizedTest
  @MethodSource("entries")
  void inferredType_equalsEvaluatedType_inF32AndF64(Entry entry) {
    for (DType floating : List.of(DType.F32, DType.F64)) {
      OpTable.Built built = OpTable.build(entry, floating);
      Tensor value = Interpreter.declared().evaluate(built.result(), built.feeds());
      assertThat(value.shape()).isEqualTo(built.result().shape());
      assertThat(value.dtype()).isEqualTo(built.result().dtype());
    }
  }

  @ParameterizedTest
  @MethodSource("entries")
  void vjp_matchesFiniteDifferencesInF64(Entry entry) {
    OpTable.Built built = OpTable.build(entry, DType.F64);
    List<Node> wrt = built.operands().stream().filter(n -> n.dtype().isFloating()).toList();
    Node loss = OpTable.weightedSum(built.result(), entry.name().hashCode());
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
}
