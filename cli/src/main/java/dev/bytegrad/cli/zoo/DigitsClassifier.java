package dev.bytegrad.cli.zoo;

import dev.bytegrad.runtime.data.Dataset;

/** A classifier of all ten digits: the shipped digits, scaled to [0, 1], split 80/20 with the seed. */
abstract class DigitsClassifier implements ZooModel {
  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public Dataset.Split data(long seed) {
    return Digits.split(BuiltinData.digits(), seed);
  }
}
