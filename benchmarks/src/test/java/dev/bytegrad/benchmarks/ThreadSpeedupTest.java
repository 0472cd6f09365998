package dev.bytegrad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.runtime.Gemm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one-JVM measurement of the thread speed-up: its bit check can fail, its statistics are the windows'. */
class ThreadSpeedupTest {
  private final int threadsBefore = Gemm.threads();

  @AfterEach
  void restoreThreads() {
    Gemm.setThreads(threadsBefore);
  }

  @Test
  void measure_timesAlternatingWindows_andFindsTheMlpsBitsEqual() {
    ThreadSpeedup.Result result = ThreadSpeedup.measure("mlp", "asm", 2, 1.5, 0.5);

    assertThat(result.sameBits()).isTrue();
    assertThat(result.ratios()).hasSizeGreaterThanOrEqualTo(3).isSorted();
    assertThat(result.ratios()[0]).isPositive();
    assertThat(result.one()).hasSameSizeAs(result.ratios()).isSorted();
    assertThat(result.machine()).hasSameSizeAs(result.ratios()).isSorted();
    assertThat(result.machine()[0]).isPositive();
    assertThat(result.shares()).hasSameSizeAs(result.ratios()).isSorted();
    assertThat(result.row()).startsWith("| mlp | bytegrad asm | ").endsWith(" | yes |");
    assertThat(ThreadSpeedup.header(2).lines().findFirst().orElseThrow().split("\\|"))
        .hasSameSizeAs(result.row().split("\\|"));
  }

  @Test
  void alternate_reversesTheOrderEveryOtherSet() {
    List<Integer> order = new ArrayList<>();
    Runnable[] sides = {() -> order.add(0), () -> order.add(1), () -> order.add(2)};
    Runnable nothing = () -> { };

    List<double[]> sets = ThreadSpeedup.alternate(new Runnable[] {nothing, nothing, nothing}, sides, new int[] {1, 1, 1}, 0);

    assertThat(sets).hasSize(3).allSatisfy(set -> assertThat(set).hasSize(3));
    // each window runs one untimed step, then its timed one
    assertThat(order).containsExactly(0, 0, 1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2);
  }

  @Test
  void equalBits_seesOneStepMore() {
    ThreadSpeedup.Step a = ThreadSpeedup.Step.of("softmax", "asm", 1);
    ThreadSpeedup.Step b = ThreadSpeedup.Step.of("softmax", "asm", 1);
    assertThat(ThreadSpeedup.equalBits(a, b)).isTrue();

    b.run();

    assertThat(ThreadSpeedup.equalBits(a, b)).isFalse();
  }

  @Test
  void quantiles_interpolateBetweenNeighbours() {
    double[] sorted = {1, 2, 4, 8};
    assertThat(ThreadSpeedup.median(sorted)).isEqualTo(3.0);
    assertThat(ThreadSpeedup.quantile(sorted, 0.25)).isCloseTo(1.75, within(1e-12));
    assertThat(ThreadSpeedup.quantile(sorted, 1.0)).isEqualTo(8.0);
    assertThat(ThreadSpeedup.median(new double[] {5})).isEqualTo(5.0);
  }

  @Test
  void unknownWorkload_isNamedInTheError() {
    assertThatThrownBy(() -> ThreadSpeedup.Step.of("resnet", "asm", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'resnet'").hasMessageContaining("char-lstm");
  }
}
