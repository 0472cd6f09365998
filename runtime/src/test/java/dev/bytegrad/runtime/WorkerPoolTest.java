package dev.bytegrad.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
  @Test
  void run_givesEveryPartOnce_andTheCallerPartZero() {
    WorkerPool pool = new WorkerPool(3);
    AtomicIntegerArray ran = new AtomicIntegerArray(3);
    Thread caller = Thread.currentThread();
    boolean[] callerRanZero = new boolean[1];
    pool.run((part, parts) -> {
      assertThat(parts).isEqualTo(3);
      ran.incrementAndGet(part);
      if (part == 0) {
        callerRanZero[0] = Thread.currentThread() == caller;
      }
    }, 5);
    assertThat(ran.toString()).isEqualTo("[1, 1, 1]");
    assertThat(callerRanZero[0]).isTrue();
  }

  @Test
  void run_whenTheCallersPartFails_waitsForTheWorkersBeforeThrowing_andRunsTheNextJob() {
    WorkerPool pool = new WorkerPool(2);
    boolean[] workerDone = new boolean[1];
    assertThatThrownBy(() -> pool.run((part, parts) -> {
      if (part == 0) {
        throw new IllegalArgumentException("part 0 failed");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workerDone[0] = true;
    }, 2)).isInstanceOf(IllegalArgumentException.class).hasMessage("part 0 failed");
    // returning early would leave the worker asleep in the failed job, still to count it down
    assertThat(workerDone[0]).as("the worker's part finished before run returned").isTrue();

    AtomicIntegerArray ran = new AtomicIntegerArray(2);
    pool.run((part, parts) -> ran.incrementAndGet(part), 2);
    assertThat(ran.toString()).isEqualTo("[1, 1]");
  }

  @Test
  void run_whenAWorkersPartFails_saysSoInTheCaller() {
    WorkerPool pool = new WorkerPool(2);
    assertThatThrownBy(() -> pool.run((part, parts) -> {
      if (part == 1) {
        throw new ArithmeticException("part 1 failed");
      }
    }, 2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a worker thread failed")
        .hasCauseInstanceOf(ArithmeticException.class);
  }
}
