package dev.bytegrad.cli.train;

import dev.bytegrad.runtime.KernelTimes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code bytegrad train --profile}: where the compiled training step's time goes, kernel by kernel. The
 * trainers compile the step with timed kernels and forget the first epoch's times (the JIT compiles the
 * kernels during it); the report is printed and written into the run directory as {@value #FILE}.
 */
public final class KernelProfile {
  /** The report's file in the run directory. */
  public static final String FILE = "kernel-times.txt";
  /** Kernels listed one by one; the rest are summed in one line. */
  static final int ROWS = 12;

  private KernelProfile() {}

  /**
   * The report on {@code times}, the kernel times of the step called {@code step}: what the figures
   * cover, then the table; {@code warmUpLeftOut} when the first epoch's calls were forgotten.
   */
  public static String report(String step, KernelTimes times, boolean warmUpLeftOut) {
    String span = warmUpLeftOut ? "the " + times.calls() + " steps after the first epoch (the JIT's warm-up)"
        : "all " + times.calls() + " steps, the JIT's warm-up included (train two epochs or more to leave it out)";
    double milliseconds = times.calls() == 0 ? 0 : times.totalNanos() / 1e6 / times.calls();
    return String.format(Locale.ROOT, "kernel times of %s: %.3f ms a step in its kernels, over %s%n", step, milliseconds, span)
        + times.table(ROWS);
  }

  /** Writes {@code report} into {@code directory} as {@value #FILE}, replacing it atomically; returns the file. */
  public static Path write(Path directory, String report) {
    Path file = directory.resolve(FILE);
    try {
      Path temporary = Files.createTempFile(directory, "." + FILE, ".tmp");
      Files.writeString(temporary, report, StandardCharsets.UTF_8);
      temporary.toFile().setReadable(true, false);
      Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
