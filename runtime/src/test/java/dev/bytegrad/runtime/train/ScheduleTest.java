package dev.bytegrad.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void step_decaysByGammaEachPeriod() {
    Schedule schedule = Schedule.step(0.1, 100, 0.5);
    assertThat(schedule.rate(0)).isEqualTo(0.1);
    assertThat(schedule.rate(99)).isEqualTo(0.1);
    assertThat(schedule.rate(100)).isCloseTo(0.05, within(1e-15));
    assertThat(schedule.rate(250)).isCloseTo(0.025, within(1e-15));
  }

  @Test
  void cosine_fallsFromTheRateToTheFloor_throughTheMidpoint() {
    Schedule schedule = Schedule.cosine(0.2, 1000, 0.02);
    assertThat(schedule.rate(0)).isCloseTo(0.2, within(1e-15));
    assertThat(schedule.rate(500)).isCloseTo(0.11, within(1e-12));
    assertThat(schedule.rate(1000)).isEqualTo(0.02);
    assertThat(schedule.rate(5000)).isEqualTo(0.02);
  }

  @Test
  void warmup_rampsLinearlyThenHandsOver() {
    Schedule schedule = Schedule.warmup(4, Schedule.constant(0.4));
    assertThat(schedule.rate(0)).isCloseTo(0.1, within(1e-15));
    assertThat(schedule.rate(3)).isCloseTo(0.4, within(1e-15));
    assertThat(schedule.rate(10)).isEqualTo(0.4);
  }

  @Test
  void badSettings_areRejected() {
    assertThatThrownBy(() -> Schedule.constant(0)).hasMessageContaining("positive");
    assertThatThrownBy(() -> Schedule.step(0.1, 0, 0.5)).hasMessageContaining("period");
    assertThatThrownBy(() -> Schedule.cosine(0.1, 10, 0.2)).hasMessageContaining("floor");
  }
}
