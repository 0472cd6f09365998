package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba): with the step count {@code t <- t + 1},
 * {@code m <- beta1 * m + (1 - beta1) * g}, {@code v <- beta2 * v + (1 - beta2) * g^2} and
 * {@code w <- w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)}.
 *
 * <p>The moments of {@code w} are the parameters {@code w.first_moment} and {@code w.second_moment};
 * the step count is the scalar parameter {@value #STEP}, shared by all parameters, so that a checkpoint
 * resumes the bias correction where it stopped.
 */
public record Adam(double beta1, double beta2, double epsilon) implements Optimizer {
  /** Name of the step-count parameter. */
  public static final String STEP = "adam.step";

  public Adam {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException(String.format(
          "Adam needs beta1 and beta2 in [0, 1) and a positive epsilon, got %s, %s and %s", beta1, beta2, epsilon));
    }
  }

  /** PyTorch's defaults: beta1 0.9, beta2 0.999, epsilon 1e-8. */
  public static Adam defaults() {
    return new Adam(0.9, 0.999, 1e-8);
  }

  @Override
  public Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate) {
    return updates(parameters, gradients, learningRate, 0);
  }

  /** The updates with decoupled weight decay {@code w <- w * (1 - lr * weightDecay)} before the step (AdamW). */
  Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate, double weightDecay) {
    Map<Node, Node> updates = new LinkedHashMap<>();
    if (parameters.isEmpty()) {
      return updates;
    }
    Node first = parameters.get(0);
    Node step = first.graph().parameter(STEP, Init.zeros(), first.dtype());
    Node t = step.add(1);
    updates.put(step, t);
    // beta^t = exp(t ln beta), the bias corrections of both moments
    Node correction1 = t.mul(Math.log(beta1)).exp().neg().add(1);
    Node correction2 = t.mul(Math.log(beta2)).exp().neg().add(1);
    Node stepSize = learningRate.div(correction1);
    for (int i = 0; i < parameters.size(); i++) {
      Node w = parameters.get(i);
      Node g = gradients.get(i);
      Node m = Optimizer.state(w, "first_moment");
      Node v = Optimizer.state(w, "second_moment");
      Node nextM = Optimizer.flushSubnormal(m).mul(beta1).add(g.mul(1 - beta1));
      Node nextV = Optimizer.flushSubnormal(v).mul(beta2).add(g.square().mul(1 - beta2));
      updates.put(m, nextM);
      updates.put(v, nextV);
      Node decayed = weightDecay == 0 ? w : w.sub(w.mul(learningRate).mul(weightDecay));
      Node denominator = nextV.div(correction2).sqrt().add(epsilon);
      updates.put(w, decayed.sub(nextM.div(denominator).mul(stepSize)));
    }
    return updates;
  }
}
