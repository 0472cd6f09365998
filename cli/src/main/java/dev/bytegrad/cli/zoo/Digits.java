package dev.bytegrad.cli.zoo;

import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;

/** The digits data as the classifiers use it: pixels scaled from 0..16 to [0, 1], a seeded 80/20 split. */
final class Digits {
  private Digits() {}

  static Dataset.Split split(Dataset digits, long seed) {
    Tensor x = digits.features().copy();
    float[] pixels = x.floats();
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] /= 16f;
    }
    return new Dataset(x, digits.targets()).split(0.2, seed);
  }
}
