package dev.bytegrad.codegen;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/** What a compiled step allocates on the Java heap once the JIT has compiled it. */
final class Allocations {
  private Allocations() {}

  /**
   * Runs {@code step} in rounds of {@code steps} calls until a round allocates nothing, {@code rounds}
   * rounds at most; the bytes the last round allocated. Warm-up takes a number of rounds that depends on
   * the JIT's queue: vector loops (the Vector API) allocate each vector until their kernel is compiled
   * with C2, which a test JVM compiling many classes at once reaches later than a lone program.
   */
  static long afterWarmUp(Runnable step, int steps, int rounds) {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long allocated = -1;
    for (int round = 0; round < rounds && allocated != 0; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < steps; i++) {
        step.run();
      }
      allocated = threads.getThreadAllocatedBytes(thread) - before;
    }
    return allocated;
  }
}
