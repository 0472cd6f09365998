package dev.bytegrad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hand-written baseline computes what the compiled step computes, so comparing their speed is fair. */
class HandWrittenStepTest {
  @ParameterizedTest
  @EnumSource(Workload.class)
  void handWrittenStep_matchesTheCompiledStep(Workload workload) {
    Workload.Built forHand = workload.build(3);
    Workload.Built forAsm = workload.build(3);
    CompiledFunction hand = new HandWrittenStep(workload, forHand.parameters());
    CompiledFunction asm = GraphCompiler.compile("step", forAsm.signature(), Backend.ASM).instantiate(forAsm.parameters());
    Tensor handLoss = Tensor.zeros(DType.F32, Shape.scalar());
    Tensor asmLoss = Tensor.zeros(DType.F32, Shape.scalar());
    for (int i = 0; i < 5; i++) {
      Tensor[] batch = workload.batch(i);
      hand.run(batch, new Tensor[] {handLoss});
      asm.run(batch, new Tensor[] {asmLoss});
      assertThat(handLoss.getDouble(0)).isCloseTo(asmLoss.getDouble(0), org.assertj.core.api.Assertions.within(1e-4));
    }
    for (int p = 0; p < forHand.parameters().length; p++) {
      double[] want = forAsm.parameters()[p].toDoubleArray();
      double[] got = forHand.parameters()[p].toDoubleArray();
      for (int i = 0; i < want.length; i++) {
        assertThat(Math.abs(got[i] - want[i])).as("parameter %d element %d", p, i).isLessThan(1e-4 * (1 + Math.abs(want[i])));
      }
    }
  }
}
