package dev.bytegrad.graph.op;

import dev.bytegrad.graph.TensorType;
import java.util.List;

/**
 * A primitive applying one scalar function to pairs of elements of two operands of one type (the DSL
 * broadcasts them to one shape first); the result has their type. Operands are floating, or i32 for
 * the ops that are exact on integers (index arithmetic).
 */
public sealed interface BinaryElementwise extends Primitive permits Add, Sub, Mul, Div, Maximum {
  /** The scalar function, in double precision. */
  double apply(double a, double b);

  /** Whether i32 operands are allowed: true for add, sub, mul and maximum; division truncates in Java. */
  default boolean acceptsIntegers() {
    return true;
  }

  @Override
  default TensorType infer(List<TensorType> inputs) {
    if (acceptsIntegers() && inputs.size() == 2 && inputs.get(0).dtype() == dev.bytegrad.runtime.DType.I32) {
      Check.sameType(inputs.get(0), inputs.get(1));
      return inputs.get(0);
    }
    return Check.binaryFloating(inputs);
  }

  @Override
  default Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).zip(inputs.get(1), this::apply);
  }
}
