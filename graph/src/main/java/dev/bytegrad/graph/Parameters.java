package dev.bytegrad.graph;

import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.runtime.Tensor;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The values of a model's parameters, by name. Tensors here are updated in place by training, and can
 * be bound to any graph that declares parameters of the same names and types — the training graph and
 * an inference graph of another batch size share one {@code Parameters}.
 */
public final class Parameters {
  private final Map<String, Tensor> values = new LinkedHashMap<>();

  /**
   * Draws every parameter of {@code graph} from its initializer. Each parameter's random stream is
   * derived from {@code seed} and its name, so adding a parameter does not change the others.
   */
  public static Parameters initialize(Graph graph, long seed) {
    Parameters parameters = new Parameters();
    for (Node node : graph.parameters()) {
      Parameter parameter = (Parameter) node.op();
      SplittableRandom random = new SplittableRandom(mix(seed, parameter.name().hashCode()));
      parameters.values.put(parameter.name(), parameter.init().sample(parameter.type(), random));
    }
    return parameters;
  }

  private static long mix(long seed, int salt) {
    long z = seed * 0x9E3779B97F4A7C15L + salt;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    return z ^ (z >>> 33);
  }

  /** The tensor of parameter {@code name}. */
  public Tensor get(String name) {
    Tensor tensor = values.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "'; have " + values.keySet());
    }
    return tensor;
  }

  /** Sets parameter {@code name} to {@code value} (the tensor itself, not a copy). */
  public void put(String name, Tensor value) {
    values.put(name, value);
  }

  /** Names and tensors, in declaration order. */
  public Map<String, Tensor> asMap() {
    return Collections.unmodifiableMap(values);
  }

  /** Feeds for every parameter node of {@code graph}, checking that names and types match. */
  public Map<Node, Tensor> feeds(Graph graph) {
    Map<Node, Tensor> feeds = new HashMap<>();
    for (Node node : graph.parameters()) {
      Parameter parameter = (Parameter) node.op();
      Tensor tensor = get(parameter.name());
      if (tensor.dtype() != node.dtype() || !tensor.shape().equals(node.shape())) {
        throw new IllegalArgumentException("parameter '" + parameter.name() + "' is " + node.type()
            + " in the graph but " + tensor.dtype() + tensor.shape() + " here");
      }
      feeds.put(node, tensor);
    }
    return feeds;
  }

  /** A deep copy. */
  public Parameters copy() {
    Parameters copy = new Parameters();
    values.forEach((name, tensor) -> copy.values.put(name, tensor.copy()));
    return copy;
  }
}
