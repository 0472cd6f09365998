package dev.bytegrad.codegen.lower;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.op.Primitive;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every primitive reaches lowering: it has a kernel of its own or a rule for one element. */
class LoweringCoverageTest {
  @Test
  void everyPrimitive_hasAKernelOrAnIndexRule() {
    Set<Class<?>> lowered = new HashSet<>(IndexRules.SCALAR_OPS.keySet());
    lowered.addAll(IndexRules.OTHER_RULES);
    lowered.addAll(Set.of(dev.bytegrad.graph.op.Sum.class, dev.bytegrad.graph.op.ReduceMax.class,
        dev.bytegrad.graph.op.MatMul.class, dev.bytegrad.graph.op.Gather.class,
        dev.bytegrad.graph.op.ScatterAdd.class, dev.bytegrad.graph.op.Concat.class, dev.bytegrad.graph.op.Scan.class));
    Set<Class<?>> missing = new HashSet<>();
    collect(Primitive.class, lowered, missing);
    assertThat(missing).as("primitives lowering does not know").isEmpty();
  }

  private static void collect(Class<?> sealed, Set<Class<?>> lowered, Set<Class<?>> missing) {
    for (Class<?> kind : sealed.getPermittedSubclasses()) {
      if (kind == Leaf.class) {
        continue;
      }
      if (kind.isInterface()) {
        collect(kind, lowered, missing);
      } else if (!lowered.contains(kind)) {
        missing.add(kind);
      }
    }
  }
}
