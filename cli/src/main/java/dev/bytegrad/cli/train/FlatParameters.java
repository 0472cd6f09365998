package dev.bytegrad.cli.train;

import dev.bytegrad.runtime.Tensor;
import java.util.List;

/** A model's parameter tensors seen as one vector of doubles, as L-BFGS wants them. */
final class FlatParameters {
  private final List<Tensor> tensors;
  private final int size;

  FlatParameters(List<Tensor> tensors) {
    this.tensors = tensors;
    this.size = tensors.stream().mapToInt(Tensor::size).sum();
  }

  /** The parameters' current values. */
  double[] initial() {
    double[] x = new double[size];
    int offset = 0;
    for (Tensor tensor : tensors) {
      for (int i = 0; i < tensor.size(); i++) {
        x[offset++] = tensor.getDouble(i);
      }
    }
    return x;
  }

  /** Writes {@code x} into the parameter tensors. */
  void scatter(double[] x) {
    int offset = 0;
    for (Tensor tensor : tensors) {
      for (int i = 0; i < tensor.size(); i++) {
        tensor.setDouble(i, x[offset++]);
      }
    }
  }

  /** Copies the gradient outputs {@code outputs[1..]} (one per parameter, in order) into {@code gradient}. */
  void gather(Tensor[] outputs, double[] gradient) {
    int offset = 0;
    for (int t = 1; t < outputs.length; t++) {
      for (int i = 0; i < outputs[t].size(); i++) {
        gradient[offset++] = outputs[t].getDouble(i);
      }
    }
  }
}
