package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.TensorType;
import java.util.List;
import java.util.Objects;

/**
 * A trained value (a weight, a bias, or optimizer state), identified by its name, with the
 * distribution it is initialized from.
 */
public record Parameter(String name, TensorType type, Init init) implements Leaf {
  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(init, "init");
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    throw new IllegalStateException("parameter '" + name + "' is fed, not evaluated");
  }
}
