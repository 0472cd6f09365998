package dev.bytegrad.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  private static String show(ProgressReporter.Mode mode) throws InterruptedException {
    StringWriter text = new StringWriter();
    ProgressReporter reporter = new ProgressReporter(new PrintWriter(text), mode, true);
    reporter.start(1, 2, 100);
    for (int step = 1; step <= 100; step++) {
      reporter.step(1, step, 0.5, 0.75);
      if (step == 1 || step == 60) {
        Thread.sleep(mode == ProgressReporter.Mode.BAR ? 120 : 0);
      }
    }
    reporter.epoch(new Trainer.Epoch(1, 0.5, 0.75, 0.6, 0.7, 0.65, 0.72, 3.5), true);
    return text.toString();
  }

  @Test
  void bar_redrawsOneLineInPlace_thenPrintsTheEpoch() throws InterruptedException {
    String out = show(ProgressReporter.Mode.BAR);
    assertThat(out).contains("\repoch 1/2 [").contains("loss 0.5000 acc 0.7500").contains("steps/s  ETA ")
        .contains("\r\033[K" + "epoch 1/2  loss 0.5000 acc 0.7500  val loss 0.6000 val acc 0.7000  test acc 0.7200  (3.5 s)  *best");
  }

  @Test
  void log_printsPlainLinesOnly() throws InterruptedException {
    String out = show(ProgressReporter.Mode.LOG);
    assertThat(out).doesNotContain("\r").isEqualTo(
        "epoch 1/2  loss 0.5000 acc 0.7500  val loss 0.6000 val acc 0.7000  test acc 0.7200  (3.5 s)  *best" + System.lineSeparator());
  }

  @Test
  void duration_readsAsMinutesOrHours() {
    assertThat(ProgressReporter.duration(75)).isEqualTo("1:15");
    assertThat(ProgressReporter.duration(3725)).isEqualTo("1:02:05");
    assertThat(ProgressReporter.duration(Double.POSITIVE_INFINITY)).isEqualTo("?");
  }
}
