package dev.bytegrad.runtime.data;

import dev.bytegrad.runtime.Tensor;
import java.util.SplittableRandom;

/**
 * Minibatch iteration over a data set with a fresh seeded shuffle each epoch.
 *
 * <p>Batches are copied into tensors preallocated here, so iterating allocates nothing per batch. When
 * the data set's size is not a multiple of the batch size, the last, smaller batch is either dropped or
 * delivered in its own smaller tensors, as the caller chose. The same seed gives the same order.
 *
 * <pre>{@code
 * Minibatches batches = new Minibatches(train, 32, false, seed);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *   batches.forEach(epoch, batch -> step.run(batch.features(), batch.targets()));
 * }
 * }</pre>
 */
public final class Minibatches {
  /** One batch: features and targets whose first dimension is the batch's size. */
  public record Batch(Tensor features, Tensor targets) {
    public int size() {
      return features.shape().dim(0);
    }
  }

  /** What to do with each batch. */
  @FunctionalInterface
  public interface Consumer {
    void accept(Batch batch);
  }

  private final Dataset data;
  private final long seed;
  private final int[] order;
  private final Batch full;
  private final Batch last;

  /** Iterates over {@code data} in batches of {@code batchSize}; {@code dropLast} drops a partial batch. */
  public Minibatches(Dataset data, int batchSize, boolean dropLast, long seed) {
    if (batchSize <= 0 || batchSize > data.size()) {
      throw new IllegalArgumentException(String.format(
          "batch size must be in [1, %d] (the data set's size), got %d", data.size(), batchSize));
    }
    this.data = data;
    this.seed = seed;
    this.order = new int[data.size()];
    this.full = allocate(batchSize);
    int remainder = data.size() % batchSize;
    this.last = dropLast || remainder == 0 ? null : allocate(remainder);
  }

  private Batch allocate(int rows) {
    return new Batch(
        Tensor.zeros(data.features().dtype(), data.features().shape().withDim(0, rows)),
        Tensor.zeros(data.targets().dtype(), data.targets().shape().withDim(0, rows)));
  }

  /** The number of batches each epoch delivers. */
  public int batchesPerEpoch() {
    return data.size() / full.size() + (last == null ? 0 : 1);
  }

  /** Delivers every batch of epoch {@code epoch} (0-based) in that epoch's shuffled order. */
  public void forEach(int epoch, Consumer consumer) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Shuffle.shuffle(order, new SplittableRandom(Shuffle.epochSeed(seed, epoch)));
    int batchSize = full.size();
    int start = 0;
    for (; start + batchSize <= order.length; start += batchSize) {
      data.copyRows(order, start, batchSize, full.features(), full.targets());
      consumer.accept(full);
    }
    if (last != null) {
      data.copyRows(order, start, last.size(), last.features(), last.targets());
      consumer.accept(last);
    }
  }
}
