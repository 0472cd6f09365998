package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * RMSProp: {@code s <- alpha * s + (1 - alpha) * g^2}, {@code w <- w - lr * g / (sqrt(s) + epsilon)};
 * like AdaGrad with a moving average in place of the sum. The average of {@code w} is the parameter
 * {@code w.mean_square}.
 */
public record RmsProp(double alpha, double epsilon) implements Optimizer {
  public RmsProp {
    if (!(alpha >= 0 && alpha < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException("RMSProp needs alpha in [0, 1) and a positive epsilon, got " + alpha + " and " + epsilon);
    }
  }

  /** PyTorch's defaults: alpha 0.99, epsilon 1e-8. */
  public static RmsProp defaults() {
    return new RmsProp(0.99, 1e-8);
  }

  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    return Optimizer.each(parameters, gradients, learningRate, (w, g, lr, updates) -> {
      Node meanSquare = Optimizer.state(w, "mean_square");
      Node next = Optimizer.flushSubnormal(meanSquare).mul(alpha).add(g.square().mul(1 - alpha));
      updates.put(meanSquare, next);
      updates.put(w, w.sub(g.div(next.sqrt().add(epsilon)).mul(lr)));
    });
  }
}
