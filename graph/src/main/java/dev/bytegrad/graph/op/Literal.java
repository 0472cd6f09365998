package dev.bytegrad.graph.op;

import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.Tensor;
import java.util.List;

/** A constant; most are scalars that the DSL broadcasts. Equal values make the same node. */
public record Literal(Tensor value) implements Leaf {
  @Override
  public TensorType type() {
    return new TensorType(value.dtype(), value.shape());
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return Value.of(value);
  }
}
