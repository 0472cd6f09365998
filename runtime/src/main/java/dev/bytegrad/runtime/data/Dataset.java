package dev.bytegrad.runtime.data;

import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.SplittableRandom;

/**
 * Examples in memory: a features tensor whose first dimension indexes the examples, and a targets
 * tensor with the same first dimension (i32 class labels, or floating regression targets).
 *
 * <p>Immutable by convention: the methods here return new data sets and never modify these tensors.
 */
public record Dataset(Tensor features, Tensor targets) {

  /** Checks that features and targets describe the same number of examples. */
  public Dataset {
    if (features.shape().rank() == 0 || targets.shape().rank() == 0) {
      throw new IllegalArgumentException("features and targets need an example dimension first");
    }
    if (features.shape().dim(0) != targets.shape().dim(0)) {
      throw new IllegalArgumentException(String.format(
          "features have %d examples but targets have %d",
          features.shape().dim(0), targets.shape().dim(0)));
    }
  }

  /** A training set and a test set drawn from one data set. */
  public record Split(Dataset train, Dataset test) {}

  /** Number of examples. */
  public int size() {
    return features.shape().dim(0);
  }

  /** The examples at {@code rows}, in that order, as a new data set. */
  public Dataset select(int[] rows) {
    Tensor x = Tensor.zeros(features.dtype(), features.shape().withDim(0, rows.length));
    Tensor y = Tensor.zeros(targets.dtype(), targets.shape().withDim(0, rows.length));
    copyRows(rows, 0, rows.length, x, y);
    return new Dataset(x, y);
  }

  /**
   * Copies examples {@code rows[from], ..., rows[from + count - 1]} into the first {@code count} rows
   * of {@code x} and {@code y}, which must have this data set's types and row sizes. Allocates nothing.
   */
  public void copyRows(int[] rows, int from, int count, Tensor x, Tensor y) {
    copyRows(features, rows, from, count, x);
    copyRows(targets, rows, from, count, y);
  }

  private static void copyRows(Tensor source, int[] rows, int from, int count, Tensor target) {
    int rowSize = source.size() / source.shape().dim(0);
    if (target.dtype() != source.dtype() || target.size() < count * rowSize) {
      throw new IllegalArgumentException(String.format(
          "cannot copy %d rows of %s into %s%s", count, source.dtype(), target.dtype(), target.shape()));
    }
    Object from0 = array(source);
    Object to = array(target);
    for (int i = 0; i < count; i++) {
      System.arraycopy(from0, rows[from + i] * rowSize, to, i * rowSize, rowSize);
    }
  }

  private static Object array(Tensor tensor) {
    return switch (tensor.dtype()) {
      case F32 -> tensor.floats();
      case F64 -> tensor.doubles();
      case I32 -> tensor.ints();
    };
  }

  /**
   * Splits into a training set and a test set holding {@code round(testFraction * size())} examples,
   * after a shuffle seeded by {@code seed}; the same seed gives the same split.
   */
  public Split split(double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
    }
    int[] order = Shuffle.permutation(size(), new SplittableRandom(seed));
    int testSize = (int) Math.round(testFraction * size());
    int[] test = java.util.Arrays.copyOfRange(order, 0, testSize);
    int[] train = java.util.Arrays.copyOfRange(order, testSize, order.length);
    return new Split(select(train), select(test));
  }

  /** The examples whose i32 label satisfies {@code keep}, in their original order. */
  public Dataset filterLabels(java.util.function.IntPredicate keep) {
    int[] labels = targets.ints();
    return select(java.util.stream.IntStream.range(0, size()).filter(i -> keep.test(labels[i])).toArray());
  }

  /** The shape of one example's features. */
  public Shape exampleShape() {
    int[] dims = features.shape().dims();
    return Shape.of(java.util.Arrays.copyOfRange(dims, 1, dims.length));
  }
}
