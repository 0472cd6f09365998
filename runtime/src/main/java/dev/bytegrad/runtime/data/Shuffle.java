package dev.bytegrad.runtime.data;

import java.util.SplittableRandom;

/** Seeded permutations (Fisher-Yates), reproducible for a given seed on every JDK. */
public final class Shuffle {
  private Shuffle() {}

  /** A uniformly random permutation of {@code 0..n-1}. */
  public static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, random);
    return order;
  }

  /** Shuffles {@code values} in place. */
  public static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }

  /** A seed for epoch {@code epoch} of a run seeded {@code seed}: distinct epochs give unrelated streams. */
  public static long epochSeed(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
