package dev.bytegrad.graph;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense Jacobians and Hessians, for small inputs: built column by column from one symbolic
 * Jacobian-vector (or Hessian-vector) product evaluated on each unit vector, in f64 by the interpreter.
 * The derivative graph is built once; only the fed direction changes.
 */
public final class Jacobians {
  private Jacobians() {}

  /** {@code d output / d input} as an f64 tensor {@code [output size, input size]}. */
  public static Tensor jacobian(Node output, Node input, Map<Node, Tensor> feeds) {
    Node direction = direction(input);
    Node tangent = Autodiff.jvp(List.of(output), List.of(input), List.of(direction)).get(0);
    return columns(tangent, direction, feeds);
  }

  /** The Hessian of the scalar {@code loss} with respect to {@code input}, {@code [size, size]} in f64. */
  public static Tensor hessian(Node loss, Node input, Map<Node, Tensor> feeds) {
    Node direction = direction(input);
    Node product = Autodiff.hvp(loss, List.of(input), List.of(direction)).get(0);
    return columns(product, direction, feeds);
  }

  /** An input node fed with each unit vector in turn; one per differentiated node, so repeated calls share it. */
  private static Node direction(Node input) {
    return input.graph().input("direction of %" + input.id(), input.dtype(), input.shape().dims());
  }

  private static Tensor columns(Node product, Node direction, Map<Node, Tensor> feeds) {
    int inputs = direction.shape().size();
    int outputs = product.shape().size();
    Tensor result = Tensor.zeros(DType.F64, Shape.of(outputs, inputs));
    Map<Node, Tensor> withDirection = new HashMap<>(feeds);
    Tensor unit = Tensor.zeros(DType.F64, direction.shape());
    withDirection.put(direction, unit);
    Interpreter interpreter = Interpreter.float64();
    for (int k = 0; k < inputs; k++) {
      unit.doubles()[k] = 1;
      Tensor column = interpreter.evaluate(product, withDirection);
      unit.doubles()[k] = 0;
      for (int i = 0; i < outputs; i++) {
        result.doubles()[i * inputs + k] = column.getDouble(i);
      }
    }
    return result;
  }
}
