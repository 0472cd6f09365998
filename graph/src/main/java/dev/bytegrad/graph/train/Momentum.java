package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * Gradient descent with momentum, in the form PyTorch uses: {@code v <- momentum * v + g},
 * {@code w <- w - lr * v}. The velocity of parameter {@code w} is the parameter {@code w.velocity}.
 */
public record Momentum(double momentum) implements Optimizer {
  public Momentum {
    checkMomentum(momentum);
  }

  static void checkMomentum(double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
  }

  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    return Optimizer.each(parameters, gradients, learningRate, (w, g, lr, updates) -> {
      Node velocity = Optimizer.state(w, "velocity");
      Node next = Optimizer.flushSubnormal(velocity).mul(momentum).add(g);
      updates.put(velocity, next);
      updates.put(w, w.sub(next.mul(lr)));
    });
  }
}
