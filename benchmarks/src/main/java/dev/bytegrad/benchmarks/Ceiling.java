package dev.bytegrad.benchmarks;

import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Parallel;

/**
 * What a second thread can give on this machine just now: a fixed number of multiply-adds in registers,
 * split over the threads of the products as a generated kernel is ({@link Parallel#run}), touching no
 * memory, so that nothing limits its speed-up but the cores themselves.
 *
 * <p>On a dedicated two-core machine it runs twice as fast on two threads as on one. On a virtual machine
 * whose two vCPUs share a physical core with each other or with other tenants, it does not: on the 2-vCPU
 * EPYC these benchmarks were run on, its median speed-up over the 30 s of one {@link ThreadSpeedup} row
 * ranged from 1.44 to 1.94 across the rows of two runs, one JDK 17 and one JDK 25, 15 minutes apart (a
 * Vector API loop on two plain threads: single half-second windows from 1.02 to 2.10). ThreadSpeedup
 * times it in the same windows as each training step, so that a step's speed-up can be read against
 * the machine's.
 */
final class Ceiling implements Parallel.Kernels {
  /** Rounds of twelve multiply-adds a run, about a millisecond on one core. */
  static final int ROUNDS = 480_000;

  private static final float SCALE = 0.99999f;
  private static final float SHIFT = 1e-5f;
  /**
   * Each part's result, stored so that the JIT cannot drop the work: one slot per part, 16 floats (a cache
   * line) apart, so that parts share no line they write.
   */
  private final float[] sums = new float[16 * 64];

  /** Runs {@link #ROUNDS} rounds on as many threads as {@link Gemm#threads()}, split evenly. */
  void run() {
    Parallel.run(this, 0, (long) Parallel.ELEMENTS_PER_PART * Gemm.threads());
  }

  @Override
  public void runPart(int kernel, int part, int parts) {
    int first = Parallel.start(ROUNDS, part, parts);
    int last = Parallel.start(ROUNDS, part + 1, parts);
    sums[16 * (part % 64)] = chains(last - first, part);
  }

  /**
   * {@code rounds} rounds (rounded up to an even number) of twelve independent multiply-add chains:
   * more chains than the two FMA units times their four-cycle latency, so that the units, not the chains,
   * set the pace. The loop does two rounds an iteration, which makes the method longer than C2 inlines
   * (370 bytes of bytecode; {@code -XX:FreqInlineSize} is 325): JDK 25 inlined the one-round loop into
   * the one-thread path ({@link Parallel#run} calls {@link #runPart} directly there) and ran it 2.5
   * times slower than where it was not inlined, which made the machine seem 3.5 times faster on two
   * threads.
   */
  private static float chains(int rounds, float seed) {
    float a0 = seed;
    float a1 = seed + 1;
    float a2 = seed + 2;
    float a3 = seed + 3;
    float a4 = seed + 4;
    float a5 = seed + 5;
    float a6 = seed + 6;
    float a7 = seed + 7;
    float a8 = seed + 8;
    float a9 = seed + 9;
    float a10 = seed + 10;
    float a11 = seed + 11;
    for (int i = 0; i < rounds; i += 2) {
      a0 = Math.fma(a0, SCALE, SHIFT);
      a1 = Math.fma(a1, SCALE, SHIFT);
      a2 = Math.fma(a2, SCALE, SHIFT);
      a3 = Math.fma(a3, SCALE, SHIFT);
      a4 = Math.fma(a4, SCALE, SHIFT);
      a5 = Math.fma(a5, SCALE, SHIFT);
      a6 = Math.fma(a6, SCALE, SHIFT);
      a7 = Math.fma(a7, SCALE, SHIFT);
      a8 = Math.fma(a8, SCALE, SHIFT);
      a9 = Math.fma(a9, SCALE, SHIFT);
      a10 = Math.fma(a10, SCALE, SHIFT);
      a11 = Math.fma(a11, SCALE, SHIFT);
      a0 = Math.fma(a0, SCALE, SHIFT);
      a1 = Math.fma(a1, SCALE, SHIFT);
      a2 = Math.fma(a2, SCALE, SHIFT);
      a3 = Math.fma(a3, SCALE, SHIFT);
      a4 = Math.fma(a4, SCALE, SHIFT);
      a5 = Math.fma(a5, SCALE, SHIFT);
      a6 = Math.fma(a6, SCALE, SHIFT);
      a7 = Math.fma(a7, SCALE, SHIFT);
      a8 = Math.fma(a8, SCALE, SHIFT);
      a9 = Math.fma(a9, SCALE, SHIFT);
      a10 = Math.fma(a10, SCALE, SHIFT);
      a11 = Math.fma(a11, SCALE, SHIFT);
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
  }
}
