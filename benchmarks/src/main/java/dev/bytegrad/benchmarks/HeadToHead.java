package dev.bytegrad.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much faster is bytegrad's training step than a peer library's, measured in one JVM?
 *
 * <p>JMH times bytegrad and each peer in forks of their own, minutes apart; on a shared or virtual machine
 * whose speed drifts by a third from one minute to the next, the ratio of two such figures mixes the
 * libraries with the minutes (TensorFlow's own MLP step took 1.16 to 1.49 ms from one run to the next).
 * Here one JVM holds both steps, set up for the same workload on the same number of threads, and runs them
 * in alternating windows of about half a second (which comes first alternates too); the table gives the
 * median of the windows' ratios, the peer's time over bytegrad's, with its quartiles: each ratio is
 * taken between neighbours that saw the machine in nearly the same state. It is {@link ThreadSpeedup}'s
 * method, with a peer in place of the other thread count.
 *
 * <p>Each peer module has a {@code main} that hands its step to {@link #run(String, Peer, String[])}; the
 * peer's set-up checks, as its JMH benchmark's does, that its first loss is bytegrad's from the same
 * weights and batch. Before timing, bytegrad's step runs until HotSpot has compiled it fully (at least
 * {@value #WARM_STEPS} steps: C2 compiles a method after some 600 calls, and a Vector API loop compiled
 * by C1 allocates its vectors), then the peer's runs for half the warm-up.
 *
 * <pre>
 * java -Xms2g -Xmx2g --add-modules jdk.incubator.vector -Dai.djl.offline=true \
 *     -cp benchmarks/peers/tensorflow/target/peer-tensorflow.jar dev.bytegrad.peers.tensorflow.TensorFlowHeadToHead \
 *     [--workloads softmax mlp lenet char-lstm] [--implementations asm javapoet] [--threads 1]
 *     [--seconds 20] [--warmup 10]
 * </pre>
 *
 * One thread count a JVM: DJL's engine and libnd4j read theirs once, when they start. Prints one markdown
 * table row per workload and backend. {@code benchmarks/peers/compare.py} runs it against each workload's
 * fastest Java peer after its tables.
 */
public final class HeadToHead {
  /** The fewest steps bytegrad runs before it is timed. */
  static final int WARM_STEPS = 1_000;

  private HeadToHead() {}

  /** A peer library's training step, set up for one workload on some threads; {@link #close} frees what it holds. */
  public interface PeerStep extends AutoCloseable {
    void run();

    @Override
    void close();
  }

  /** Sets a peer's step up for a workload on {@code threads} threads. */
  @FunctionalInterface
  public interface Peer {
    PeerStep open(PeerWorkload workload, int threads);
  }

  /** A peer's step from its body and what frees it. */
  public static PeerStep step(Runnable body, Runnable close) {
    return new PeerStep() {
      @Override
      public void run() {
        body.run();
      }

      @Override
      public void close() {
        close.run();
      }
    };
  }

  /** One workload, thread count and backend against the peer: each side's window times and their ratios. */
  record Result(String workload, int threads, String implementation, double[] ours, double[] theirs, double[] ratios) {
    String row(String peer) {
      return String.format(Locale.ROOT, "| %s | %d | bytegrad %s | %.3f | %s | %.3f | **%.2f** (%.2f-%.2f) | %.2f-%.2f | %d |",
          workload, threads, implementation, ThreadSpeedup.median(ours), peer, ThreadSpeedup.median(theirs),
          ThreadSpeedup.median(ratios), ThreadSpeedup.quantile(ratios, 0.25), ThreadSpeedup.quantile(ratios, 0.75),
          ratios[0], ratios[ratios.length - 1], ratios.length);
    }
  }

  /** The table's header. */
  static String header() {
    return "| workload | threads | bytegrad | ms/step (median) | peer | ms/step (median) "
        + "| peer's time ÷ bytegrad's: median (quartiles) | lowest-highest window | pairs |\n"
        + "|---|---|---|---|---|---|---|---|---|";
  }

  /** Measures bytegrad against {@code peer}, called {@code name} in the table, as {@code args} ask; prints the table. */
  public static void run(String name, Peer peer, String[] args) {
    List<String> workloads = new ArrayList<>(List.of("softmax", "mlp", "lenet", "char-lstm"));
    List<String> implementations = new ArrayList<>(List.of("asm", "javapoet"));
    int threads = 1;
    double seconds = 20;
    double warmup = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workloads" -> i = ThreadSpeedup.values(args, i, workloads);
        case "--implementations" -> i = ThreadSpeedup.values(args, i, implementations);
        case "--threads" -> threads = Integer.parseInt(ThreadSpeedup.value(args, ++i, "--threads"));
        case "--seconds" -> seconds = Double.parseDouble(ThreadSpeedup.value(args, ++i, "--seconds"));
        case "--warmup" -> warmup = Double.parseDouble(ThreadSpeedup.value(args, ++i, "--warmup"));
        default -> throw new IllegalArgumentException("unknown option '" + args[i]
            + "'; options: --workloads, --implementations, --threads, --seconds, --warmup");
      }
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    for (String workload : workloads) {
      workload(workload);
    }
    System.out.println(header());
    for (String workload : workloads) {
      try (PeerStep theirs = peer.open(workload(workload), threads)) {
        for (String implementation : implementations) {
          ThreadSpeedup.Step ours = ThreadSpeedup.Step.of(workload, implementation, threads);
          System.out.println(measure(workload, threads, implementation, ours, theirs, seconds, warmup).row(name));
        }
      }
    }
  }

  /** The peers' name of a workload, from bytegrad's ({@code char-lstm} is {@link PeerWorkload#CHAR_LSTM}). */
  static PeerWorkload workload(String workload) {
    try {
      return PeerWorkload.valueOf(workload.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("no peer runs the workload '" + workload + "': softmax, mlp, lenet or char-lstm", e);
    }
  }

  /** Warms both steps up, then times them in alternating windows for {@code seconds}. */
  static Result measure(String workload, int threads, String implementation, ThreadSpeedup.Step ours, PeerStep theirs,
      double seconds, double warmup) {
    long warm = System.nanoTime() + (long) (warmup / 2 * 1e9);
    for (int s = 0; s < WARM_STEPS || System.nanoTime() < warm; s++) {
      ours.run();
    }
    warm = System.nanoTime() + (long) (warmup / 2 * 1e9);
    while (System.nanoTime() < warm) {
      theirs.run();
    }
    Runnable nothing = () -> { };
    Runnable[] sides = {ours::run, theirs::run};
    int[] steps = {ThreadSpeedup.stepsPerWindow(sides[0]), ThreadSpeedup.stepsPerWindow(sides[1])};
    List<double[]> pairs = ThreadSpeedup.alternate(new Runnable[] {nothing, nothing}, sides, steps, seconds);
    double[] mine = pairs.stream().mapToDouble(p -> p[0]).sorted().toArray();
    double[] peer = pairs.stream().mapToDouble(p -> p[1]).sorted().toArray();
    double[] ratios = pairs.stream().mapToDouble(p -> p[1] / p[0]).sorted().toArray();
    return new Result(workload, threads, implementation, mine, peer, ratios);
  }
}
