package dev.bytegrad.runtime;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a compiled function's time goes: the wall-clock time of each of its kernels, summed over the
 * calls since the last {@link #reset()}. A function compiled with timed kernels (see
 * {@code GraphCompiler.compile(..., timedKernels)} and {@code bytegrad codegen --timed}) reads the clock
 * before its first kernel and after each one (one clock read each, 32 ns on the 2-vCPU machine it was
 * measured on; two for a kernel a loop calls); its results are those of the untimed function, bit for bit.
 *
 * <pre>{@code
 * KernelTimes times = KernelTimes.of(step).orElseThrow();
 * for (int i = 0; i < 1000; i++) step.run(inputs, outputs);
 * System.out.print(times.table(10));
 * }</pre>
 *
 * <p>A kernel split over worker threads is timed on the calling thread, from its start until its last
 * part is done, waiting included. The kernels of a loop's step (a scan) are timed too, each call on the
 * thread that makes it, and summed over threads. Like the function, this is not thread-safe, but for
 * those sums.
 */
public final class KernelTimes {
  /** What a generated class compiled with timed kernels implements. */
  public interface Timed {
    /** The times of this instance's kernels. */
    KernelTimes kernelTimes();
  }

  private final String[] kernels;
  private final String[] computes;
  private final long[] nanos;
  private long calls;
  /** The kernels that loops call (a scan's step), what each computes, and the loop (a kernel) calling it. */
  private final String[] inner;
  private final String[] innerComputes;
  private final int[] innerLoops;
  private final AtomicLongArray innerNanos;

  /**
   * Times for the kernels named {@code kernels} (the generated methods), each computing what the same
   * entry of {@code computes} says (a graph node in text form).
   */
  public KernelTimes(String[] kernels, String[] computes) {
    this(kernels, computes, new String[0], new String[0], new int[0]);
  }

  /**
   * Times for {@code kernels} as {@link #KernelTimes(String[], String[])} has them, and for the kernels
   * {@code inner} that loops call, each computing what {@code innerComputes} says, called by kernel
   * number {@code innerLoops}.
   */
  public KernelTimes(String[] kernels, String[] computes, String[] inner, String[] innerComputes, int[] innerLoops) {
    if (kernels.length != computes.length || inner.length != innerComputes.length || inner.length != innerLoops.length) {
      throw new IllegalArgumentException(kernels.length + " kernel names but " + computes.length + " descriptions, or "
          + inner.length + " called kernels but " + innerComputes.length + " descriptions and " + innerLoops.length + " loops");
    }
    for (int loop : innerLoops) {
      if (loop < 0 || loop >= kernels.length) {
        throw new IllegalArgumentException("a called kernel's loop is kernel " + loop + " of " + kernels.length);
      }
    }
    this.kernels = kernels.clone();
    this.computes = computes.clone();
    this.nanos = new long[kernels.length];
    this.inner = inner.clone();
    this.innerComputes = innerComputes.clone();
    this.innerLoops = innerLoops.clone();
    this.innerNanos = new AtomicLongArray(inner.length);
  }

  /** The times of {@code function}'s kernels, or empty when it was compiled without timing them. */
  public static Optional<KernelTimes> of(CompiledFunction function) {
    return function instanceof Timed timed ? Optional.of(timed.kernelTimes()) : Optional.empty();
  }

  /** Called by a timed function as it starts: counts the call and returns the clock. */
  public long start() {
    calls++;
    return System.nanoTime();
  }

  /** Called by a timed function after kernel {@code kernel}: adds the time since {@code since}, returns the clock. */
  public long lap(int kernel, long since) {
    long now = System.nanoTime();
    nanos[kernel] += now - since;
    return now;
  }

  /**
   * Called by a loop after the kernel {@code kernel} of its step returns: adds the time since
   * {@code since}. A loop in chunks calls it from several threads at once.
   */
  public void lapInner(int kernel, long since) {
    innerNanos.addAndGet(kernel, System.nanoTime() - since);
  }

  /** Forgets the calls so far, for instance those that warmed the JIT up. */
  public void reset() {
    Arrays.fill(nanos, 0);
    for (int i = 0; i < inner.length; i++) {
      innerNanos.set(i, 0);
    }
    calls = 0;
  }

  /** How many kernels loops call. */
  public int innerSize() {
    return inner.length;
  }

  /** The method name of called kernel {@code kernel} ({@code loop0_k0}, ...). */
  public String innerKernel(int kernel) {
    return inner[kernel];
  }

  /** The number of the kernel whose loop calls called kernel {@code kernel}. */
  public int innerLoop(int kernel) {
    return innerLoops[kernel];
  }

  /** Nanoseconds in called kernel {@code kernel}, summed over the threads that ran it, since the last reset. */
  public long innerNanos(int kernel) {
    return innerNanos.get(kernel);
  }

  /** Calls of the function since the last reset. */
  public long calls() {
    return calls;
  }

  /** How many kernels the function runs a call. */
  public int size() {
    return kernels.length;
  }

  /** The method name of kernel {@code kernel}, in the order they run ({@code k0}, {@code k1}, ...). */
  public String kernel(int kernel) {
    return kernels[kernel];
  }

  /** What kernel {@code kernel} computes: its first graph node, in the graph's text form. */
  public String computes(int kernel) {
    return computes[kernel];
  }

  /** Nanoseconds in kernel {@code kernel}, over all calls since the last reset. */
  public long nanos(int kernel) {
    return nanos[kernel];
  }

  /** Nanoseconds in all kernels, over all calls since the last reset. */
  public long totalNanos() {
    return Arrays.stream(nanos).sum();
  }

  /**
   * A table of the {@code rows} kernels that took longest, slowest first: microseconds a call, share
   * of the total, what each computes; the rest summed in one line, and the total.
   */
  public String table(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("a table needs at least one row, got " + rows);
    }
    StringBuilder text = new StringBuilder();
    long total = totalNanos();
    double perCall = calls == 0 ? 0 : 1.0 / calls;
    text.append(String.format(Locale.ROOT, "%-10s %12s %7s  %s%n", "kernel", "us per call", "share", "computes"));
    Integer[] order = new Integer[kernels.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingLong((Integer i) -> nanos[i]).reversed().thenComparing(i -> i));
    long shown = 0;
    for (int row = 0; row < Math.min(rows, order.length); row++) {
      int i = order[row];
      shown += nanos[i];
      text.append(line(kernels[i], nanos[i] * perCall, share(nanos[i], total), computes[i]));
    }
    if (order.length > rows) {
      int others = order.length - rows;
      text.append(line("others", (total - shown) * perCall, share(total - shown, total),
          others + (others == 1 ? " more kernel" : " more kernels")));
    }
    text.append(line("total", total * perCall, share(total, total), kernels.length + " kernels, " + calls + " calls"));
    if (inner.length > 0) {
      innerTable(text, rows, perCall);
    }
    return text.toString();
  }

  /**
   * The kernels loops call, slowest first, each with its share of its loop's time. Summed over the
   * threads that ran them: a loop in chunks on two threads shows up to twice its time; what the shares
   * leave of a loop on one thread is its copies into and out of the step.
   */
  private void innerTable(StringBuilder text, int rows, double perCall) {
    text.append(String.format(Locale.ROOT, "inside the loops, summed over the threads that ran them:%n"));
    Integer[] order = new Integer[inner.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingLong((Integer i) -> innerNanos.get(i)).reversed().thenComparing(i -> i));
    for (int row = 0; row < Math.min(rows, order.length); row++) {
      int i = order[row];
      long loop = nanos[innerLoops[i]];
      text.append(line(inner[i], innerNanos.get(i) * perCall, share(innerNanos.get(i), loop),
          "of " + kernels[innerLoops[i]] + ": " + innerComputes[i]));
    }
    if (order.length > rows) {
      text.append(String.format(Locale.ROOT, "(%d more)%n", order.length - rows));
    }
  }

  private static String line(String name, double nanosPerCall, double share, String computes) {
    return String.format(Locale.ROOT, "%-10s %12.1f %6.1f%%  %s%n", name, nanosPerCall / 1e3, 100 * share, computes);
  }

  private static double share(long part, long total) {
    return total == 0 ? 0 : (double) part / total;
  }
}
