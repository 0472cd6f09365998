package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter): Adam with weight decay decoupled from the gradient,
 * {@code w <- w * (1 - lr * weightDecay)} before Adam's step, so the decay is not rescaled by the
 * moment estimates. PyTorch's default weight decay is 0.01.
 */
public record AdamW(Adam adam, double weightDecay) implements Optimizer {
  public AdamW {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be a non-negative number, got " + weightDecay);
    }
  }

  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    return adam.updates(parameters, gradients, learningRate, weightDecay);
  }
}
