package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
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
    return Optimizer.each(parameters, gradients, learningRate, (w, g, lr, updates) -> {
      Node velocity = Optimizer.state(w, "velocity");
      Node next = Optimizer.flushSubnormal(velocity).mul(momentum).add(g);
      updates.put(velocity, next);
      updates.put(w, w.sub(g.add(next.mul(momentum)).mul(lr)));
    });
  }
}
