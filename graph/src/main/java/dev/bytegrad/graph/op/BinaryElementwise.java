package dev.bytegrad.graph.op;

import dev.bytegrad.graph.TensorType;
import java.util.List;

/**
 * A primitive applying one scalar function to pairs of elements of two floating operands of one type
 * (the DSL broadcasts them to one shape first); the result has their type.
 */
public sealed interface BinaryElementwise extends Primitive permits Add, Sub, Mul, Div, Maximum {
  /** The scalar function, in double precision. */
  double apply(double a, double b);

  @Override
  default TensorType infer(List<TensorType> inputs) {
    return Check.binaryFloating(inputs);
  }

  @Override
  default Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).zip(inputs.get(1), this::apply);
  }
}
