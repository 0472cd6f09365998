package dev.bytegrad.benchmarks;

import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How much faster is a training step on N threads than on one, and are its results the same to the bit?
 *
 * <p>JMH times each thread count in a fork of its own, minutes apart; on a shared or virtual machine whose
 * speed drifts by a third from one minute to the next, the ratio of two such figures says more about the
 * minutes than about the threads. Here one JVM runs the step on 1 and on N threads in alternating windows
 * of about half a second (which comes first alternates too), and reports the median of the windows'
 * speed-ups with its quartiles: each ratio is taken between neighbours that saw the machine in nearly the
 * same state.
 *
 * <p>A second vCPU of a virtual machine is not always a second core: even multiply-adds in registers,
 * which share nothing, ran from 1.02 to 2.10 times faster on two threads from one window to the next on
 * the machine these benchmarks were run on. Each set of windows therefore times the {@link Ceiling} too,
 * on 1 and N threads, and the table gives the machine's speed-up in those windows and the step's over it
 * (1.00: the step gained all that the machine gave).
 *
 * <p>Before timing, two fresh copies of the step run the same steps on 1 and on N threads, and
 * their parameters and losses must be bitwise equal (the exit status is 1 when they are not).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.bytegrad.benchmarks.ThreadSpeedup \
 *     [--workloads softmax mlp lenet char-lstm char-rnn] [--implementations asm javapoet] [--threads 2]
 *     [--seconds 30] [--warmup 10]
 * </pre>
 *
 * Prints one markdown table row per workload and implementation. {@code benchmarks/peers/compare.py} runs
 * it after its tables when asked for more than one thread count.
 */
public final class ThreadSpeedup {
  /** Steps each copy runs before their parameters are compared. */
  static final int CHECKED_STEPS = 5;
  /** The length of a timed window, in nanoseconds. */
  private static final long WINDOW = 500_000_000L;

  private ThreadSpeedup() {}

  /** One benchmark's step, set up for a workload and an implementation, with what it updates. */
  record Step(Runnable body, Tensor[] parameters, Tensor loss) {
    void run() {
      body.run();
    }

    static Step of(String workload, String implementation, int threads) {
      switch (workload) {
        case "softmax", "mlp" -> {
          TrainingStepBenchmark b = new TrainingStepBenchmark();
          b.workload = Workload.valueOf(workload.toUpperCase(Locale.ROOT));
          b.implementation = implementation;
          b.gemm = Gemm.implementation();
          b.threads = threads;
          b.compile();
          return new Step(b::step, b.parameters(), b.step());
        }
        case "lenet" -> {
          LeNetStepBenchmark b = new LeNetStepBenchmark();
          b.implementation = implementation;
          b.threads = threads;
          b.compile();
          return new Step(b::step, b.parameters(), b.step());
        }
        case "char-lstm", "char-rnn" -> {
          RecurrentStepBenchmark b = new RecurrentStepBenchmark();
          b.model = workload;
          b.implementation = implementation;
          b.threads = threads;
          b.compile();
          return new Step(b::step, b.parameters(), b.step());
        }
        default -> throw new IllegalArgumentException(
            "unknown workload '" + workload + "': softmax, mlp, lenet, char-lstm or char-rnn");
      }
    }
  }

  /**
   * The speed-up of one workload and implementation, the machine's in the same windows ({@link Ceiling}),
   * the first over the second window by window, and whether the thread counts agreed to the bit.
   */
  record Result(String workload, String implementation, double[] one, double[] many, double[] ratios,
      double[] machine, double[] shares, boolean sameBits) {
    String row() {
      return String.format(Locale.ROOT,
          "| %s | bytegrad %s | %.3f | %.3f | **%.2f** (%.2f-%.2f) | %.2f-%.2f | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %d | %s |",
          workload, implementation, median(one), median(many), median(ratios), quantile(ratios, 0.25), quantile(ratios, 0.75),
          ratios[0], ratios[ratios.length - 1], median(machine), quantile(machine, 0.25), quantile(machine, 0.75),
          median(shares), quantile(shares, 0.25), quantile(shares, 0.75), ratios.length, sameBits ? "yes" : "**no**");
    }
  }

  /** The table's header, for {@code threads} threads against one. */
  static String header(int threads) {
    return "| workload | implementation | ms/step, 1 thread (median) | ms/step, " + threads + " threads (median) "
        + "| speed-up: median (quartiles) | lowest-highest window | machine's speed-up, same windows "
        + "| step's over machine's | window sets | parameters bitwise equal |\n"
        + "|---|---|---|---|---|---|---|---|---|---|";
  }

  public static void main(String[] args) {
    List<String> workloads = new ArrayList<>(List.of("softmax", "mlp", "lenet", "char-lstm", "char-rnn"));
    List<String> implementations = new ArrayList<>(List.of("asm", "javapoet"));
    int threads = Runtime.getRuntime().availableProcessors();
    double seconds = 30;
    double warmup = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workloads" -> i = values(args, i, workloads);
        case "--implementations" -> i = values(args, i, implementations);
        case "--threads" -> threads = Integer.parseInt(value(args, ++i, "--threads"));
        case "--seconds" -> seconds = Double.parseDouble(value(args, ++i, "--seconds"));
        case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, "--warmup"));
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --workloads, --implementations, --threads, --seconds, --warmup");
      }
    }
    if (threads < 2) {
      throw new IllegalArgumentException("--threads must be at least 2 to compare with one thread, got " + threads);
    }
    System.out.println(header(threads));
    boolean allSame = true;
    for (String workload : workloads) {
      for (String implementation : implementations) {
        Result result = measure(workload, implementation, threads, seconds, warmup);
        System.out.println(result.row());
        allSame &= result.sameBits();
      }
    }
    if (!allSame) {
      System.err.println("the parameters after " + CHECKED_STEPS + " steps differed between 1 and " + threads + " threads");
      System.exit(1);
    }
  }

  /**
   * Checks the bits, then times alternating windows of 1 and {@code threads} threads for {@code seconds},
   * the step's and the {@link Ceiling}'s (half as long) in each set.
   */
  static Result measure(String workload, String implementation, int threads, double seconds, double warmup) {
    boolean sameBits = sameBits(workload, implementation, threads);
    Step step = Step.of(workload, implementation, threads);
    Ceiling ceiling = new Ceiling();
    int[] counts = {1, threads};
    long warmupEnd = System.nanoTime() + (long) (warmup * 1e9);
    for (int i = 0; System.nanoTime() < warmupEnd; i++) {
      Gemm.setThreads(counts[i % 2]);
      step.run();
      ceiling.run();
    }
    // steps per window, from one thread's speed now
    Gemm.setThreads(1);
    int steps = stepsPerWindow(step::run);
    int runs = Math.max(1, stepsPerWindow(ceiling::run) / 2);
    Runnable single = () -> Gemm.setThreads(1);
    Runnable multiple = () -> Gemm.setThreads(threads);
    List<double[]> sets = alternate(new Runnable[] {single, multiple, single, multiple},
        new Runnable[] {step::run, step::run, ceiling::run, ceiling::run}, new int[] {steps, steps, runs, runs}, seconds);
    Gemm.setThreads(threads);
    double[] one = sets.stream().mapToDouble(p -> p[0]).sorted().toArray();
    double[] many = sets.stream().mapToDouble(p -> p[1]).sorted().toArray();
    double[] ratios = sets.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray();
    double[] machine = sets.stream().mapToDouble(p -> p[2] / p[3]).sorted().toArray();
    double[] shares = sets.stream().mapToDouble(p -> p[0] / p[1] / (p[2] / p[3])).sorted().toArray();
    return new Result(workload, implementation, one, many, ratios, machine, shares, sameBits);
  }

  /**
   * Times sides in alternating sets of windows of {@code steps[i]} steps for {@code seconds} (at least
   * three sets), the sides' order reversed every other set; each window starts with {@code enter[i]} and
   * a tenth of its steps untimed, since a side's threads idled through the others' windows. Returns each
   * set's milliseconds per step, side by side in the order given.
   */
  static List<double[]> alternate(Runnable[] enter, Runnable[] sides, int[] steps, double seconds) {
    List<double[]> sets = new ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end || sets.size() < 3) {
      double[] ms = new double[sides.length];
      for (int j = 0; j < sides.length; j++) {
        int which = sets.size() % 2 == 0 ? j : sides.length - 1 - j;
        enter[which].run();
        for (int s = 0; s < Math.max(1, steps[which] / 10); s++) {
          sides[which].run();
        }
        long t0 = System.nanoTime();
        for (int s = 0; s < steps[which]; s++) {
          sides[which].run();
        }
        ms[which] = (System.nanoTime() - t0) / 1e6 / steps[which];
      }
      sets.add(ms);
    }
    return sets;
  }

  /** How many runs of {@code step} take about one window now. */
  static int stepsPerWindow(Runnable step) {
    int steps = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < WINDOW) {
      step.run();
      steps++;
    }
    return steps;
  }

  /** Whether fresh copies of the step, run {@link #CHECKED_STEPS} times on 1 and on {@code threads} threads, end bitwise equal. */
  static boolean sameBits(String workload, String implementation, int threads) {
    // each copy ran its first step when it was made
    Step one = Step.of(workload, implementation, 1);
    for (int s = 1; s < CHECKED_STEPS; s++) {
      one.run();
    }
    Step many = Step.of(workload, implementation, threads);
    for (int s = 1; s < CHECKED_STEPS; s++) {
      many.run();
    }
    return equalBits(one, many);
  }

  /**
   * Whether two steps' last losses and their parameters are bitwise equal ({@link Arrays#equals(float[],
   * float[])} compares the floats' bits, NaNs aside).
   */
  static boolean equalBits(Step a, Step b) {
    if (!Arrays.equals(a.loss().floats(), b.loss().floats()) || a.parameters().length != b.parameters().length) {
      return false;
    }
    for (int p = 0; p < a.parameters().length; p++) {
      if (!Arrays.equals(a.parameters()[p].floats(), b.parameters()[p].floats())) {
        return false;
      }
    }
    return true;
  }


  static double median(double[] sorted) {
    return quantile(sorted, 0.5);
  }

  /** The {@code q} quantile of sorted values, interpolated between neighbours. */
  static double quantile(double[] sorted, double q) {
    double at = q * (sorted.length - 1);
    int below = (int) Math.floor(at);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
  }

  static int values(String[] args, int i, List<String> into) {
    into.clear();
    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
      into.add(args[++i].toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    if (into.isEmpty()) {
      throw new IllegalArgumentException(args[i] + " needs at least one value");
    }
    return i;
  }

  static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
