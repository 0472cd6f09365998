package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nesterov momentum, in PyTorch's form: {@code v <- momentum * v + g},
 * {@code w <- w - lr * (g + momentum * v)}, a step that looks ahead along the new velocity. The
 * velocity of {@code w} is the parameter {@code w.velocity}.
 */
public record Nesterov(double momentum) implements Optimizer {
  public Nesterov {
    Momentum.checkMomentum(momentum);
  }

  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    Map<Node, Node> updates = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      Node w = parameters.get(i);
      Node g = gradients.get(i);
      Node velocity = Optimizer.state(w, "velocity");
      Node next = velocity.mul(momentum).add(g);
      updates.put(velocity, next);
      updates.put(w, w.sub(g.add(next.mul(momentum)).mul(learningRate)));
    }
    return updates;
  }
}
