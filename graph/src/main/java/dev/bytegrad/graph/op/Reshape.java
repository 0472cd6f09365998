package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Shape;
import java.util.List;

/** The same elements, in the same row-major order, under another shape of equal size. */
public record Reshape(Shape shape) implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    Shape from = inputs.get(0).shape();
    Check.that(from.size() == shape.size(),
        "cannot reshape " + from + " (" + from.size() + " elements) to " + shape + " (" + shape.size() + ")");
    return inputs.get(0).withShape(shape);
  }

  // reshaping is linear and invertible: the cotangent is reshaped back
  @Override
  public List<Node> vjp(Node y, Node g) {
    return List.of(g.reshape(y.input(0).shape()));
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return new Value(shape, inputs.get(0).data());
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return Tangents.map(tangents.get(0), t -> t.reshape(shape));
  }
}
