package dev.bytegrad.graph.op;

import dev.bytegrad.graph.TensorType;
import java.util.List;
import java.util.Objects;

/** A value fed at each call (features, labels, a learning rate), identified by its name. */
public record Input(String name, TensorType type) implements Leaf {
  public Input {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    throw new IllegalStateException("input '" + name + "' is fed, not evaluated");
  }
}
