package dev.bytegrad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.runtime.Gemm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** bytegrad against a peer in one JVM: what it runs, warms and frees, and the table it prints. */
class HeadToHeadTest {
  private final int threadsBefore = Gemm.threads();

  @AfterEach
  void restoreThreads() {
    Gemm.setThreads(threadsBefore);
  }

  @Test
  void main_warmsBytegradUp_timesBothInWindows_andClosesThePeer() {
    List<String> opened = new ArrayList<>();
    AtomicInteger peerSteps = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    HeadToHead.Peer peer = (workload, threads) -> {
      opened.add(workload + " on " + threads);
      return HeadToHead.step(peerSteps::incrementAndGet, closed::incrementAndGet);
    };

    String printed = printed(() -> HeadToHead.run("a counter", peer,
        new String[] {"--workloads", "softmax", "--implementations", "asm", "--seconds", "1", "--warmup", "0.2"}));

    assertThat(opened).containsExactly("SOFTMAX on 1");
    assertThat(closed).hasValue(1);
    assertThat(peerSteps.get()).isGreaterThan(1000);
    List<String> rows = printed.lines().filter(line -> line.startsWith("|")).toList();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(2)).startsWith("| softmax | 1 | bytegrad asm | ").contains("| a counter | ");
    assertThat(rows.get(2).split("\\|")).hasSameSizeAs(rows.get(0).split("\\|"));
  }

  @Test
  void measure_runsBytegradAThousandStepsBeforeThePeer_andPairsTheWindows() {
    // a step of a millisecond: a window (half a second) holds about 500, fewer than the warm-up's thousand
    AtomicInteger ours = new AtomicInteger();
    ThreadSpeedup.Step step = new ThreadSpeedup.Step(() -> {
      long end = System.nanoTime() + 1_000_000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      ours.incrementAndGet();
    }, new dev.bytegrad.runtime.Tensor[0], null);
    AtomicInteger oursBeforeTheirs = new AtomicInteger(-1);
    AtomicInteger theirs = new AtomicInteger();
    Runnable peer = () -> {
      oursBeforeTheirs.compareAndSet(-1, ours.get());
      theirs.incrementAndGet();
    };

    HeadToHead.Result result = HeadToHead.measure("mlp", 2, "asm", step, HeadToHead.step(peer, () -> { }), 0.5, 0);

    // the peer first ran after bytegrad's thousand warm-up steps, however short the warm-up asked for
    assertThat(oursBeforeTheirs.get()).isGreaterThanOrEqualTo(HeadToHead.WARM_STEPS);
    assertThat(theirs.get()).isGreaterThan(3);
    assertThat(result.ratios()).hasSizeGreaterThanOrEqualTo(3).isSorted();
    assertThat(result.ours()).hasSameSizeAs(result.ratios()).isSorted();
    assertThat(result.theirs()).hasSameSizeAs(result.ratios()).isSorted();
    assertThat(result.ratios()[0]).isPositive();
  }

  @Test
  void workloadsNoPeerRuns_areRefusedBeforeAnyPeerStarts() {
    List<String> opened = new ArrayList<>();
    HeadToHead.Peer peer = (workload, threads) -> {
      opened.add(workload.name());
      return HeadToHead.step(() -> { }, () -> { });
    };

    assertThatThrownBy(() -> HeadToHead.run("p", peer, new String[] {"--workloads", "mlp", "char-rnn"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'char-rnn'").hasMessageContaining("char-lstm");
    assertThatThrownBy(() -> HeadToHead.run("p", peer, new String[] {"--threads", "0"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThat(opened).isEmpty();
  }

  private static String printed(Runnable body) {
    PrintStream before = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(before);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
