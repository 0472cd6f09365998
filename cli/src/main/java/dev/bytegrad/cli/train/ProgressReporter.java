package dev.bytegrad.cli.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training progress: on a terminal, a progress bar redrawn in place (at most ten times a second)
 * with the epoch's mean loss and accuracy, steps per second and the time left; otherwise plain log
 * lines, one every ten seconds within an epoch. Either way, one line for every finished epoch.
 */
public final class ProgressReporter implements Trainer.Listener {
  /** How progress is shown. */
  public enum Mode {
    BAR, LOG, QUIET;

    /** A bar on an interactive terminal, log lines otherwise (redirected output, CI). */
    public static Mode detect() {
      return Terminal.isInteractive() ? BAR : LOG;
    }
  }

  private static final long REDRAW_NANOS = 100_000_000L;
  private static final long LOG_NANOS = 10_000_000_000L;
  private static final int WIDTH = 24;

  private final PrintWriter out;
  private final Mode mode;
  private final boolean classifier;
  private int epochs;
  private int stepsPerEpoch;
  private long started;
  private long lastShown;
  private long stepsDone;
  private boolean barShown;

  public ProgressReporter(PrintWriter out, Mode mode, boolean classifier) {
    this.out = out;
    this.mode = mode;
    this.classifier = classifier;
  }

  @Override
  public void start(int first, int epochs, int stepsPerEpoch) {
    this.epochs = epochs;
    this.stepsPerEpoch = stepsPerEpoch;
    this.started = System.nanoTime();
    this.lastShown = started;
    if (first > 1 && mode != Mode.QUIET) {
      out.printf("resuming at epoch %d of %d%n", first, epochs);
      out.flush();
    }
  }

  @Override
  public void step(int epoch, int step, double meanLoss, double meanScore) {
    long now = System.nanoTime();
    if (stepsDone++ == 0) {
      started = now; // the rate counts from the first step, after compiling
      return;
    }
    if (mode == Mode.QUIET || now - lastShown < (mode == Mode.BAR ? REDRAW_NANOS : LOG_NANOS)) {
      return;
    }
    lastShown = now;
    double rate = (stepsDone - 1) / ((now - started) / 1e9);
    long remaining = (long) (epochs - epoch) * stepsPerEpoch + (stepsPerEpoch - step);
    String figures = String.format(Locale.ROOT, "%d/%d  loss %.4f%s  %.0f steps/s  ETA %s", step, stepsPerEpoch, meanLoss,
        scoreText(" acc", " mse", meanScore), rate, duration(remaining / rate));
    if (mode == Mode.BAR) {
      int filled = (int) ((long) WIDTH * step / stepsPerEpoch);
      out.printf("\repoch %d/%d [%s%s] %s ", epoch, epochs, "=".repeat(filled), " ".repeat(WIDTH - filled), figures);
      barShown = true;
    } else {
      out.printf("epoch %d/%d step %s%n", epoch, epochs, figures);
    }
    out.flush();
  }

  /** Prints {@code text} as a line of its own, erasing the bar first (unless quiet). */
  public void line(String text) {
    if (mode == Mode.QUIET) {
      return;
    }
    if (barShown) {
      out.print("\r\033[K");
      barShown = false;
    }
    out.println(text);
    out.flush();
  }

  @Override
  public void epoch(Trainer.Epoch record, boolean best) {
    if (mode == Mode.QUIET) {
      return;
    }
    if (barShown) {
      out.print("\r\033[K"); // erase the bar's line
      barShown = false;
    }
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f%s", record.epoch(), epochs,
        record.trainLoss(), scoreText(" acc", " mse", record.trainScore())));
    if (Double.isFinite(record.validationLoss())) {
      line.append(String.format(Locale.ROOT, "  val loss %.4f%s", record.validationLoss(),
          scoreText(" val acc", " val mse", record.validationScore())));
    }
    line.append(String.format(Locale.ROOT, "  test%s  (%.1f s)%s", scoreText(" acc", " mse", record.testScore()),
        record.seconds(), best ? "  *best" : ""));
    out.println(line);
    out.flush();
  }

  private String scoreText(String accuracy, String mse, double value) {
    if (!Double.isFinite(value)) {
      return "";
    }
    return classifier ? String.format(Locale.ROOT, "%s %.4f", accuracy, value) : String.format(Locale.ROOT, "%s %.4g", mse, value);
  }

  /** {@code seconds} as {@code m:ss} or {@code h:mm:ss}. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
