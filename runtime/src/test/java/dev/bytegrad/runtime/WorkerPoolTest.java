package dev.bytegrad.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
  /**
   * Jobs of alternating sizes back to back, on more threads than cores: every part of each runs exactly
   * once, and none is still running when the call returns. A worker that claimed past the end of one job
   * used to run a part of the next twice, the second time after its caller had returned.
   */
  @Test
  void backToBackJobsOfDifferentSizes_runEachPartOnce_allDoneOnReturn() {
    WorkerPool pool = new WorkerPool(8);
    java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    for (int job = 0; job < 20_000; job++) {
      int parts = job % 2 == 0 ? 2 : 8;
      AtomicIntegerArray runs = new AtomicIntegerArray(8);
      pool.run((part, count) -> {
        running.incrementAndGet();
        runs.incrementAndGet(part);
        running.decrementAndGet();
      }, parts);
      assertThat(running.get()).as("parts still running after job %d returned", job).isZero();
      for (int part = 0; part < 8; part++) {
        assertThat(runs.get(part)).as("job %d (%d parts), part %d", job, parts, part).isEqualTo(part < parts ? 1 : 0);
      }
    }
  }

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
  void jobStartedFromAPart_runsAlone_onWhicheverThreadRunsThePart() {
    // a scan's chunk of rows runs a product in each step: the threads are busy with the chunks
    WorkerPool pool = new WorkerPool(2);
    assertThat(pool.idle()).isTrue();
    AtomicIntegerArray innerParts = new AtomicIntegerArray(2);
    boolean[] idleInside = {true, true};
    pool.run((part, parts) -> {
      idleInside[part] = pool.idle();
      pool.run((inner, innerCount) -> innerParts.set(part, innerCount), 2);
    }, 2);
    assertThat(innerParts.toString()).isEqualTo("[1, 1]");
    assertThat(idleInside).containsExactly(false, false);
    assertThat(pool.idle()).isTrue();
    assertThat(new WorkerPool(1).idle()).as("no workers").isFalse();
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
    // returning early would leave a worker in the failed job, still to count it down (or part 1 unrun)
    assertThat(workerDone[0]).as("part 1 finished before run returned").isTrue();

    AtomicIntegerArray ran = new AtomicIntegerArray(2);
    pool.run((part, parts) -> ran.incrementAndGet(part), 2);
    assertThat(ran.toString()).isEqualTo("[1, 1]");
  }

  @Test
  void run_whenAWorkersPartFails_saysSoInTheCaller() {
    WorkerPool pool = new WorkerPool(2);
    CountDownLatch partOneStarted = new CountDownLatch(1);
    assertThatThrownBy(() -> pool.run((part, parts) -> {
      if (part == 1) {
        partOneStarted.countDown();
        throw new ArithmeticException("part 1 failed");
      }
      // the caller holds part 0 until part 1 has begun, so that the worker, not the caller, claims it
      await(partOneStarted);
    }, 2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a worker thread failed")
        .hasCauseInstanceOf(ArithmeticException.class);
  }

  @Test
  void run_whenAWorkerNeverComes_theCallerRunsEveryPart() {
    // a worker that is slow to wake (a parked vCPU) must cost the caller no more than the parts it took
    WorkerPool pool = new WorkerPool(3, false);
    AtomicIntegerArray ran = new AtomicIntegerArray(3);
    Thread caller = Thread.currentThread();
    pool.run((part, parts) -> {
      assertThat(Thread.currentThread()).isSameAs(caller);
      ran.incrementAndGet(part);
    }, 3);
    pool.run((part, parts) -> ran.incrementAndGet(part), 3);
    assertThat(ran.toString()).isEqualTo("[2, 2, 2]");
  }

  @Test
  void run_manyJobsInARow_eachPartOnce() {
    WorkerPool pool = new WorkerPool(3);
    AtomicIntegerArray ran = new AtomicIntegerArray(3);
    for (int job = 0; job < 20_000; job++) {
      pool.run((part, parts) -> ran.incrementAndGet(part), 3);
    }
    assertThat(ran.toString()).isEqualTo("[20000, 20000, 20000]");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("the latch opened").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
