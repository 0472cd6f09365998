package dev.bytegrad.graph;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;

/** The static type of a node's value: element type and shape. Written {@code f32[64,10]}. */
public record TensorType(DType dtype, Shape shape) {

  public static TensorType of(DType dtype, int... dims) {
    return new TensorType(dtype, Shape.of(dims));
  }

  /** The same element type with another shape. */
  public TensorType withShape(Shape newShape) {
    return new TensorType(dtype, newShape);
  }

  /** The same shape with another element type. */
  public TensorType withDType(DType newType) {
    return new TensorType(newType, shape);
  }

  public int rank() {
    return shape.rank();
  }

  @Override
  public String toString() {
    return dtype.toString() + shape;
  }

  /** Parses {@code f32[64,10]}. */
  public static TensorType parse(String text) {
    int bracket = text.indexOf('[');
    if (bracket < 0) {
      throw new IllegalArgumentException("a type is written like f32[2,3], not '" + text + "'");
    }
    return new TensorType(DType.parse(text.substring(0, bracket).strip()),
        Shape.parse(text.substring(bracket)));
  }
}
