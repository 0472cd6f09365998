package dev.bytegrad.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KernelTimesTest {
  private static final long MILLISECOND = 1_000_000;

  /** Two calls in which k1 took about 30 ms, k0 3 ms and k2 0.3 ms. */
  private static KernelTimes twoCalls() {
    KernelTimes times = new KernelTimes(new String[] {"k0", "k1", "k2"},
        new String[] {"%4 = matmul %0 %2 : f32[64,256]", "%6 = add %4 %5 : f32[64,256]", "%7 = exp %6 : f32[64,256]"});
    for (int call = 0; call < 2; call++) {
      times.start();
      times.lap(0, System.nanoTime() - 3 * MILLISECOND / 2);
      times.lap(1, System.nanoTime() - 15 * MILLISECOND);
      times.lap(2, System.nanoTime() - 3 * MILLISECOND / 20);
    }
    return times;
  }

  @Test
  void table_listsTheSlowestKernelsFirst_perCall_andSumsTheRest() {
    KernelTimes times = twoCalls();
    assertThat(times.calls()).isEqualTo(2);
    assertThat(times.nanos(1)).isBetween(30 * MILLISECOND, 31 * MILLISECOND);
    String[] lines = times.table(2).split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[0]).startsWith("kernel").contains("us per call").contains("share").endsWith("computes");
    assertThat(lines[1]).startsWith("k1").contains("%6 = add");
    assertThat(lines[2]).startsWith("k0").contains("%4 = matmul");
    assertThat(lines[3]).startsWith("others").endsWith("1 more kernel");
    assertThat(lines[4]).startsWith("total").contains("100.0%").endsWith("3 kernels, 2 calls");
    double k1PerCall = Double.parseDouble(lines[1].trim().split("\\s+")[1]);
    assertThat(k1PerCall).isBetween(15_000.0, 15_500.0);
    double k1Share = Double.parseDouble(lines[1].trim().split("\\s+")[2].replace("%", ""));
    assertThat(k1Share).isBetween(89.0, 91.0);
  }

  @Test
  void tableOfAllKernels_hasNoOthersLine() {
    assertThat(twoCalls().table(3)).doesNotContain("others").contains("k2");
  }

  @Test
  void reset_forgetsCallsAndTimes() {
    KernelTimes times = twoCalls();
    times.reset();
    assertThat(times.calls()).isZero();
    assertThat(times.totalNanos()).isZero();
    assertThat(times.table(1)).contains("0 calls");
  }

  @Test
  void badArguments_areRefusedWithTheReason() {
    assertThatThrownBy(() -> new KernelTimes(new String[] {"k0"}, new String[0]))
        .hasMessageContaining("1 kernel names but 0 descriptions");
    assertThatThrownBy(() -> twoCalls().table(0)).hasMessageContaining("at least one row");
  }

  @Test
  void kernelsOfALoop_areListedUnderIt_withTheirShareOfItsTime() {
    KernelTimes times = new KernelTimes(new String[] {"k0", "k1"}, new String[] {"%2 = exp %1 : f32[8]", "loop of 4 steps"},
        new String[] {"loop0_k0", "loop0_k1"}, new String[] {"%4 = matmul %0 %3 : f32[32,512]", "%8 = tanh %7 : f32[32,512]"},
        new int[] {1, 1});
    times.start();
    times.lap(0, System.nanoTime() - MILLISECOND);
    times.lapInner(0, System.nanoTime() - 6 * MILLISECOND);
    times.lapInner(1, System.nanoTime() - 2 * MILLISECOND);
    times.lap(1, System.nanoTime() - 10 * MILLISECOND);
    String[] lines = times.table(5).split("\n");
    assertThat(lines[4]).isEqualTo("inside the loops, summed over the threads that ran them:");
    assertThat(lines[5]).startsWith("loop0_k0").contains("of k1: %4 = matmul");
    double share = Double.parseDouble(lines[5].trim().split("\\s+")[2].replace("%", ""));
    assertThat(share).isBetween(59.0, 61.0);
    assertThat(lines[6]).startsWith("loop0_k1");
    times.reset();
    assertThat(times.innerNanos(0)).isZero();
    assertThatThrownBy(() -> new KernelTimes(new String[] {"k0"}, new String[] {"x"}, new String[] {"a"}, new String[] {"b"},
        new int[] {1})).hasMessageContaining("kernel 1 of 1");
  }

  @Test
  void untimedFunction_hasNoTimes() {
    CompiledFunction function = (inputs, outputs) -> {};
    assertThat(KernelTimes.of(function)).isEmpty();
  }
}
