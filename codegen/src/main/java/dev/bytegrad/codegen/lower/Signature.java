package dev.bytegrad.codegen.lower;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Input;
import dev.bytegrad.graph.op.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compiled function takes and gives: the input nodes in feed order, the parameter nodes in
 * binding order, the output nodes in result order, and the updates — parameter nodes whose buffers
 * receive a new value in place at the end of each call (optimizer steps).
 */
public record Signature(List<Node> inputs, List<Node> parameters, List<Node> outputs, Map<Node, Node> updates) {
  public Signature {
    inputs = List.copyOf(inputs);
    parameters = List.copyOf(parameters);
    outputs = List.copyOf(outputs);
    updates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(updates));
    for (Node input : inputs) {
      require(input.op() instanceof Input, input + " is not an input");
    }
    for (Node parameter : parameters) {
      require(parameter.op() instanceof Parameter, parameter + " is not a parameter");
    }
    for (Node target : updates.keySet()) {
      require(parameters.contains(target), "updated node " + target + " is not among the parameters");
      require(updates.get(target).type().equals(target.type()),
          "the update of " + target + " has type " + updates.get(target).type());
    }
    require(outputs.stream().distinct().count() == outputs.size(), "an output is listed twice");
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(problem);
    }
  }
}
