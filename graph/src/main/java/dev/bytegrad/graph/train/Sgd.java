package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.List;
import java.util.Map;

/** Plain gradient descent: {@code w <- w - lr * g}. */
public record Sgd() implements Optimizer {
  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    return Optimizer.each(parameters, gradients, learningRate, (w, g, lr, updates) -> {
      updates.put(w, w.sub(g.mul(lr)));
    });
  }
}
