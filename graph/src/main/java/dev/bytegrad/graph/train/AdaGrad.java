package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * AdaGrad: {@code s <- s + g^2}, {@code w <- w - lr * g / (sqrt(s) + epsilon)}; each coordinate's step
 * shrinks with the squared gradients it has seen. The sum of {@code w} is the parameter
 * {@code w.sum_of_squares}.
 */
public record AdaGrad(double epsilon) implements Optimizer {
  /** PyTorch's default. */
  public static final double DEFAULT_EPSILON = 1e-10;

  public AdaGrad {
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
    }
  }

  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    return Optimizer.each(parameters, gradients, learningRate, (w, g, lr, updates) -> {
      Node sum = Optimizer.state(w, "sum_of_squares");
      Node next = sum.add(g.square());
      updates.put(sum, next);
      updates.put(w, w.sub(g.div(next.sqrt().add(epsilon)).mul(lr)));
    });
  }
}
