package dev.bytegrad.graph.op;

import dev.bytegrad.graph.TensorType;
import java.util.List;

/**
 * A primitive applying one scalar function to each element of one floating operand; the result has the
 * operand's type. Lowering fuses chains of these into one loop.
 */
public sealed interface UnaryElementwise extends Primitive permits Neg, Exp, Log, Tanh, Logistic, Sqrt, Abs, Pow {
  /** The scalar function, in double precision. */
  double apply(double x);

  @Override
  default TensorType infer(List<TensorType> inputs) {
    return Check.unaryFloating(inputs);
  }

  @Override
  default Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0).map(this::apply);
  }
}
