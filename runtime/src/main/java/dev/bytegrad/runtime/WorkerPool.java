package dev.bytegrad.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of daemon worker threads that run one job at a time in parts, without allocating: the job
 * is a preallocated {@link Job} whose fields the caller filled in. The caller runs part 0, then, like
 * the workers, claims the parts nobody has taken yet, so that a worker which is slow to wake (on a
 * virtual machine, a parked vCPU can take half a millisecond) costs the caller only the parts it did
 * take: the char-LSTM's step on two threads spent 41% of the calling thread's samples waiting for its
 * one worker when each part had a thread of its own. Workers spin briefly after a job, then park, so
 * back-to-back calls (the GEMMs of one training step) start in microseconds while an idle pool costs
 * nothing.
 *
 * <p>A part computes the same whichever thread runs it, and a caller that finds the pool busy (another
 * thread's job, or its own: a job started from within a part) runs its job alone, in one part: results never depend on how the work was split or
 * shared out, only the time does.
 */
final class WorkerPool {
  /** Work that splits into parts; part {@code part} of {@code parts} must not touch another part's output. */
  interface Job {
    void run(int part, int parts);
  }

  private static final int SPINS = 20_000;

  private final Thread[] workers;
  private final ReentrantLock busy = new ReentrantLock();
  /** Parts of the current job not yet finished. */
  private final AtomicInteger remaining = new AtomicInteger();
  /**
   * The current job's generation (its low 32 bits, in the high half) and the next part to claim (low
   * half): a claim is a compare-and-set, which fails if another thread claimed that part or the job is
   * no longer current. Generations wrap after 2^32 jobs, which no sleeping worker sleeps through.
   */
  private final AtomicLong next = new AtomicLong();
  private volatile Job job;
  private volatile int parts;
  private volatile long generation;
  private volatile Thread caller;
  private volatile Throwable failure;

  /** A pool of {@code threads - 1} workers, so that with the caller {@code threads} run at once. */
  WorkerPool(int threads) {
    this(threads, true);
  }

  /** As {@link #WorkerPool(int)}; with {@code start} false the workers never run, as if they never woke. */
  WorkerPool(int threads, boolean start) {
    workers = new Thread[Math.max(0, threads - 1)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Thread(this::work, "bytegrad-worker-" + (i + 1));
      workers[i].setDaemon(true);
      if (start) {
        workers[i].start();
      }
    }
  }

  /** How many threads run a job at most, the caller included. */
  int threads() {
    return workers.length + 1;
  }

  /**
   * Whether a job started now would likely run in parts: there are workers and no job is running (a
   * product within a part of a scan's chunk would run alone). A hint for preparing shared work, which
   * the job's results never depend on: the answer may be stale by the time the job starts.
   */
  boolean idle() {
    return workers.length > 0 && !busy.isLocked();
  }

  /** Runs {@code job} in {@code requested} parts (at most {@link #threads()}), returning when all are done. */
  void run(Job job, int requested) {
    int count = Math.min(requested, threads());
    // a job run from a part of this thread's own job (a product in a scan's chunk of rows) runs alone
    if (count <= 1 || busy.isHeldByCurrentThread() || !busy.tryLock()) {
      job.run(0, 1);
      return;
    }
    try {
      long current = generation + 1;
      // first close the last job's claims: a worker that read its ticket (all parts taken) and then this
      // job's larger part count would otherwise claim a part past the last job's end, run it as a part of
      // this one, twice over, and count it down before this job began (a product's threads then returned
      // while a part still wrote C: GemmTest, 8 threads on 2 cores, about one JVM in three)
      next.set(current << 32 | Integer.MAX_VALUE);
      this.job = job;
      this.parts = count;
      this.caller = Thread.currentThread();
      this.failure = null;
      remaining.set(count);
      // part 0 is the caller's; the others go to whichever thread claims them first
      next.set(current << 32 | 1);
      generation = current;
      for (Thread worker : workers) {
        LockSupport.unpark(worker);
      }
      Throwable own = null;
      try {
        job.run(0, count);
      } catch (Throwable t) {
        own = t;
      }
      remaining.decrementAndGet();
      // the parts nobody took yet, then the wait for those a worker is running: the next job must not
      // start while they still run this one (nor count its parts down with theirs), even when a part failed
      Throwable others = runClaimed(current);
      if (own == null) {
        own = others;
      }
      for (int spin = 0; remaining.get() > 0; spin++) {
        if (spin < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      this.job = null;
      if (own != null) {
        throwUnchecked(own);
      }
      Throwable thrown = failure;
      if (thrown != null) {
        throw new IllegalStateException("a worker thread failed: " + thrown, thrown);
      }
    } finally {
      busy.unlock();
    }
  }

  /**
   * Runs parts of job {@code current} as long as this thread can claim one, counting each down when it
   * is done (a worker wakes the caller after the last); returns the first failure, if any. A worker's
   * failure is also published before its part is counted down: once the count reaches zero the caller
   * returns, and a failure recorded after that would be lost.
   */
  private Throwable runClaimed(long current) {
    Throwable first = null;
    boolean worker = Thread.currentThread() != caller;
    for (int part; (part = claim(current)) >= 0; ) {
      try {
        job.run(part, parts);
      } catch (Throwable t) {
        if (first == null) {
          first = t;
        }
        if (worker) {
          failure = t;
        }
      }
      if (remaining.decrementAndGet() == 0 && worker) {
        LockSupport.unpark(caller);
      }
    }
    return first;
  }

  /** Claims the next part of job {@code current}: its number, or -1 when all are taken or the job is over. */
  private int claim(long current) {
    while (true) {
      long ticket = next.get();
      int part = (int) ticket;
      // a successful claim proves the job still current: it cannot end before this part is done, so the
      // parts count read before the claim was this job's
      if ((int) (ticket >>> 32) != (int) current || part >= parts) {
        return -1;
      }
      if (next.compareAndSet(ticket, ticket + 1)) {
        return part;
      }
    }
  }

  private static void throwUnchecked(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }

  private void work() {
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
      runClaimed(seen);
    }
  }
}
