package dev.bytegrad.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major tensor: a shape, an element type, and one Java array holding the elements
 * ({@code float[]} for f32, {@code double[]} for f64, {@code int[]} for i32).
 *
 * <p>Tensors are mutable: parameters and optimizer state are updated in place. The array accessors
 * return the backing array itself, not a copy, so that kernels and compiled steps work on it directly.
 * Two tensors are equal when type, shape and every element are equal (floats compared bitwise).
 */
public final class Tensor {
  private final DType dtype;
  private final Shape shape;
  private final Object data;

  private Tensor(DType dtype, Shape shape, Object data) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /** A tensor of zeros. */
  public static Tensor zeros(DType dtype, Shape shape) {
    return switch (dtype) {
      case F32 -> new Tensor(dtype, shape, new float[shape.size()]);
      case F64 -> new Tensor(dtype, shape, new double[shape.size()]);
      case I32 -> new Tensor(dtype, shape, new int[shape.size()]);
    };
  }

  /** An f32 tensor backed by {@code values} (not copied); its length must equal the shape's size. */
  public static Tensor ofFloats(Shape shape, float... values) {
    checkLength(shape, values.length);
    return new Tensor(DType.F32, shape, values);
  }

  /** An f64 tensor backed by {@code values} (not copied); its length must equal the shape's size. */
  public static Tensor ofDoubles(Shape shape, double... values) {
    checkLength(shape, values.length);
    return new Tensor(DType.F64, shape, values);
  }

  /** An i32 tensor backed by {@code values} (not copied); its length must equal the shape's size. */
  public static Tensor ofInts(Shape shape, int... values) {
    checkLength(shape, values.length);
    return new Tensor(DType.I32, shape, values);
  }

  /** A scalar of the given type holding {@code value} (rounded or truncated to the type). */
  public static Tensor scalar(DType dtype, double value) {
    Tensor tensor = zeros(dtype, Shape.scalar());
    tensor.setDouble(0, value);
    return tensor;
  }

  private static void checkLength(Shape shape, int length) {
    if (length != shape.size()) {
      throw new IllegalArgumentException(
          "shape " + shape + " needs " + shape.size() + " elements, got " + length);
    }
  }

  public DType dtype() {
    return dtype;
  }

  public Shape shape() {
    return shape;
  }

  /** Number of elements. */
  public int size() {
    return shape.size();
  }

  /** The backing array of an f32 tensor. */
  public float[] floats() {
    requireType(DType.F32);
    return (float[]) data;
  }

  /** The backing array of an f64 tensor. */
  public double[] doubles() {
    requireType(DType.F64);
    return (double[]) data;
  }

  /** The backing array of an i32 tensor. */
  public int[] ints() {
    requireType(DType.I32);
    return (int[]) data;
  }

  private void requireType(DType expected) {
    if (dtype != expected) {
      throw new IllegalStateException("tensor is " + dtype + shape + ", not " + expected);
    }
  }

  /** Element {@code index} (row-major flat index) widened to double. */
  public double getDouble(int index) {
    return switch (dtype) {
      case F32 -> ((float[]) data)[index];
      case F64 -> ((double[]) data)[index];
      case I32 -> ((int[]) data)[index];
    };
  }

  /** Sets element {@code index}, rounding to f32 or truncating toward zero to i32 as the type needs. */
  public void setDouble(int index, double value) {
    switch (dtype) {
      case F32 -> ((float[]) data)[index] = (float) value;
      case F64 -> ((double[]) data)[index] = value;
      case I32 -> ((int[]) data)[index] = (int) value;
    }
  }

  /** All elements widened to double, in a new array. */
  public double[] toDoubleArray() {
    double[] values = new double[size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = getDouble(i);
    }
    return values;
  }

  /** This tensor's elements converted to {@code target} type, in a new tensor. */
  public Tensor to(DType target) {
    Tensor converted = zeros(target, shape);
    for (int i = 0; i < size(); i++) {
      converted.setDouble(i, getDouble(i));
    }
    return converted;
  }

  /** A deep copy. */
  public Tensor copy() {
    return to(dtype);
  }

  /** Copies {@code source}'s elements into this tensor; types and shapes must match. */
  public void copyFrom(Tensor source) {
    if (source.dtype != dtype || !source.shape.equals(shape)) {
      throw new IllegalArgumentException(
          "cannot copy " + source.dtype + source.shape + " into " + dtype + shape);
    }
    System.arraycopy(source.data, 0, data, 0, size());
  }

  /** The same elements under another shape of equal size; shares the backing array. */
  public Tensor reshape(Shape newShape) {
    checkLength(newShape, size());
    return new Tensor(dtype, newShape, data);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof Tensor tensor) || tensor.dtype != dtype || !tensor.shape.equals(shape)) {
      return false;
    }
    return switch (dtype) {
      case F32 -> Arrays.equals((float[]) data, (float[]) tensor.data);
      case F64 -> Arrays.equals((double[]) data, (double[]) tensor.data);
      case I32 -> Arrays.equals((int[]) data, (int[]) tensor.data);
    };
  }

  @Override
  public int hashCode() {
    int elements = switch (dtype) {
      case F32 -> Arrays.hashCode((float[]) data);
      case F64 -> Arrays.hashCode((double[]) data);
      case I32 -> Arrays.hashCode((int[]) data);
    };
    return Objects.hash(dtype, shape, elements);
  }

  /** The type and shape, and the first elements: {@code f32[2,3]{1.0, 2.0, ...}}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(dtype).append(shape).append('{');
    int shown = Math.min(size(), 8);
    for (int i = 0; i < shown; i++) {
      text.append(i == 0 ? "" : ", ").append(elementText(i));
    }
    return text.append(size() > shown ? ", ...}" : "}").toString();
  }

  /** Element {@code index} as exact, round-trip text ({@link Float#toString}, {@link Double#toString}). */
  public String elementText(int index) {
    return switch (dtype) {
      case F32 -> Float.toString(((float[]) data)[index]);
      case F64 -> Double.toString(((double[]) data)[index]);
      case I32 -> Integer.toString(((int[]) data)[index]);
    };
  }
}
