package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain gradient descent: {@code w <- w - lr * g}. */
public record Sgd() implements Optimizer {
  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    Map<Node, Node> updates = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      Node w = parameters.get(i);
      updates.put(w, w.sub(gradients.get(i).mul(learningRate)));
    }
    return updates;
  }
}
