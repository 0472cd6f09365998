package dev.bytegrad.runtime;

import java.util.Arrays;

/**
 * An immutable, static tensor shape: the size of each dimension, outermost first, in row-major order.
 *
 * <p>A shape of rank 0 is a scalar and has one element. Sizes are non-negative and their product fits
 * in an {@code int}, since every tensor is backed by one Java array.
 */
public final class Shape {
  private static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    this.dims = dims;
    long product = 1;
    for (int dim : dims) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
      }
      product *= dim;
      if (product > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
      }
    }
    this.size = (int) product;
  }

  /** The shape with the given dimensions; {@code Shape.of()} is the scalar shape. */
  public static Shape of(int... dims) {
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  /** The shape of a scalar (rank 0, one element). */
  public static Shape scalar() {
    return SCALAR;
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Size of dimension {@code axis}; a negative axis counts from the end, as in NumPy. */
  public int dim(int axis) {
    return dims[normalizeAxis(axis)];
  }

  /** A copy of all dimension sizes. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements: the product of the dimensions. */
  public int size() {
    return size;
  }

  /** Row-major strides in elements: {@code strides()[i]} is the distance between neighbours on axis i. */
  public int[] strides() {
    int[] strides = new int[dims.length];
    int stride = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      strides[i] = stride;
      stride *= dims[i];
    }
    return strides;
  }

  /** Maps a possibly negative axis into {@code [0, rank)}, failing with the shape in the message. */
  public int normalizeAxis(int axis) {
    int normalized = axis < 0 ? axis + dims.length : axis;
    if (normalized < 0 || normalized >= dims.length) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
    }
    return normalized;
  }

  /** This shape with dimension {@code axis} replaced by {@code size}. */
  public Shape withDim(int axis, int size) {
    int[] copy = dims.clone();
    copy[normalizeAxis(axis)] = size;
    return new Shape(copy);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Shape shape && Arrays.equals(dims, shape.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** The text form {@code [64,784]}; the scalar shape is {@code []}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      text.append(i == 0 ? "" : ",").append(dims[i]);
    }
    return text.append(']').toString();
  }

  /** Parses the text form written by {@link #toString()}. */
  public static Shape parse(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
      throw new IllegalArgumentException("a shape is written [d0,d1,...], not '" + text + "'");
    }
    String body = trimmed.substring(1, trimmed.length() - 1).strip();
    if (body.isEmpty()) {
      return SCALAR;
    }
    String[] parts = body.split(",");
    int[] dims = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        dims[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("shape dimension '" + parts[i] + "' is not an integer", e);
      }
    }
    return new Shape(dims);
  }
}
