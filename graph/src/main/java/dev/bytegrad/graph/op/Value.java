package dev.bytegrad.graph.op;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A value in the reference interpreter: a shape and row-major elements held as doubles, whatever the
 * node's dtype (i32 values are exact in a double; f32 rounding is the interpreter's job).
 */
public record Value(Shape shape, double[] data) {

  /** Zeros of the given shape. */
  public static Value zeros(Shape shape) {
    return new Value(shape, new double[shape.size()]);
  }

  /** The elements of {@code tensor}, widened to double. */
  public static Value of(Tensor tensor) {
    return new Value(tensor.shape(), tensor.toDoubleArray());
  }

  /** These elements as a tensor of {@code dtype}, rounded or truncated as the type needs. */
  public Tensor toTensor(DType dtype) {
    Tensor tensor = Tensor.zeros(dtype, shape);
    for (int i = 0; i < data.length; i++) {
      tensor.setDouble(i, data[i]);
    }
    return tensor;
  }

  /** {@code f(x)} for every element. */
  public Value map(DoubleUnaryOperator f) {
    double[] result = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      result[i] = f.applyAsDouble(data[i]);
    }
    return new Value(shape, result);
  }

  /** {@code f(x, y)} for every pair of elements of two values of equal shape. */
  public Value zip(Value other, DoubleBinaryOperator f) {
    double[] result = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      result[i] = f.applyAsDouble(data[i], other.data[i]);
    }
    return new Value(shape, result);
  }
}
