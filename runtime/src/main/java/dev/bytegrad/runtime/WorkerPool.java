package dev.bytegrad.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of daemon worker threads that run one job at a time in parts, the caller taking part 0,
 * without allocating: the job is a preallocated {@link Job} whose fields the caller filled in. Workers
 * spin briefly after a job, then park, so back-to-back calls (the GEMMs of one training step) start in
 * microseconds while an idle pool costs nothing.
 *
 * <p>A caller that finds the pool busy (another thread's job) runs its job alone, in one part: results
 * never depend on how the work was split, only the time does.
 */
final class WorkerPool {
  /** Work that splits into parts; part {@code part} of {@code parts} must not touch another part's output. */
  interface Job {
    void run(int part, int parts);
  }

  private static final int SPINS = 20_000;

  private final Thread[] workers;
  private final ReentrantLock busy = new ReentrantLock();
  private final AtomicInteger remaining = new AtomicInteger();
  private volatile Job job;
  private volatile int parts;
  private volatile long generation;
  private volatile Thread caller;
  private volatile Throwable failure;

  /** A pool of {@code threads - 1} workers, so that with the caller {@code threads} run at once. */
  WorkerPool(int threads) {
    workers = new Thread[Math.max(0, threads - 1)];
    for (int i = 0; i < workers.length; i++) {
      int index = i + 1;
      workers[i] = new Thread(() -> work(index), "bytegrad-worker-" + index);
      workers[i].setDaemon(true);
      workers[i].start();
    }
  }

  /** How many threads run a job at most, the caller included. */
  int threads() {
    return workers.length + 1;
  }

  /** Runs {@code job} in {@code requested} parts (at most {@link #threads()}), returning when all are done. */
  void run(Job job, int requested) {
    int count = Math.min(requested, threads());
    if (count <= 1 || !busy.tryLock()) {
      job.run(0, 1);
      return;
    }
    try {
      this.job = job;
      this.parts = count;
      this.caller = Thread.currentThread();
      this.failure = null;
      remaining.set(workers.length);
      generation++;
      for (Thread worker : workers) {
        LockSupport.unpark(worker);
      }
      try {
        job.run(0, count);
      } finally {
        // the workers finish their parts even when the caller's failed: the next job must not start
        // while they still run this one (nor count its parts down with theirs)
        for (int spin = 0; remaining.get() > 0; spin++) {
          if (spin < SPINS) {
            Thread.onSpinWait();
          } else {
            LockSupport.park(this);
          }
        }
        this.job = null;
      }
      Throwable thrown = failure;
      if (thrown != null) {
        throw new IllegalStateException("a worker thread failed: " + thrown, thrown);
      }
    } finally {
      busy.unlock();
    }
  }

  private void work(int index) {
    long seen = 0;
    while (true) {
      for (int spin = 0; generation == seen; spin++) {
        if (spin < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = generation;
      try {
        if (index < parts) {
          job.run(index, parts);
        }
      } catch (Throwable t) {
        failure = t;
      }
      if (remaining.decrementAndGet() == 0) {
        LockSupport.unpark(caller);
      }
    }
  }
}
