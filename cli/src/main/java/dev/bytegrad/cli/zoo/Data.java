package dev.bytegrad.cli.zoo;

import dev.bytegrad.runtime.data.Dataset;

/**
 * A data set ready to train on: training examples, an optional validation set held out of them (for
 * early stopping and the best checkpoint), and the test set, all normalized alike. Features are f32
 * {@code [n, features]}; targets are i32 class labels when {@code classes > 0}, f32 values otherwise.
 *
 * @param spec what {@code --data} named, which loads these data again
 * @param validationFraction the part of the training set held out for validation
 */
public record Data(String spec, Dataset train, Dataset validation, Dataset test, int classes, double validationFraction) {
  /** What a model's graph needs to know of the data: the width of an example and the number of classes. */
  public record Dims(int features, int classes) {}

  public Data {
    if (train.size() == 0 || test.size() == 0) {
      throw new IllegalArgumentException(spec + ": the training and test sets must not be empty");
    }
  }

  /** Whether a validation set was held out. */
  public boolean hasValidation() {
    return validation != null && validation.size() > 0;
  }

  public Dims dims() {
    return new Dims(train.exampleShape().size(), classes);
  }

  /** These data with every set filtered to the examples whose label is 0 or 1, for a binary classifier. */
  public Data binary() {
    return new Data(spec, train.filterLabels(label -> label <= 1),
        hasValidation() ? validation.filterLabels(label -> label <= 1) : null, test.filterLabels(label -> label <= 1), 2,
        validationFraction);
  }
}
