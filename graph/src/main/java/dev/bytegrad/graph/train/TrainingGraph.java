package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training step as graph: the loss, its gradients with respect to the trained parameters (after
 * any {@link Regularization}), and the optimizer's updates, all in the loss's graph. The learning rate
 * is the scalar input {@code learning_rate}, fed at each step so that schedules need no new graph.
 */
public record TrainingGraph(Node loss, Node learningRate, List<Node> parameters, List<Node> gradients,
    Map<Node, Node> updates) {

  /** Name of the learning-rate input. */
  public static final String LEARNING_RATE = "learning_rate";

  /** Differentiates {@code loss} with respect to {@code parameters} and adds {@code optimizer}'s updates. */
  public static TrainingGraph build(Node loss, List<Node> parameters, Optimizer optimizer) {
    return build(loss, parameters, optimizer, Regularization.NONE);
  }

  /** As {@link #build(Node, List, Optimizer)}, with the gradients regularized before the optimizer. */
  public static TrainingGraph build(Node loss, List<Node> parameters, Optimizer optimizer, Regularization regularization) {
    for (Node parameter : parameters) {
      if (!(parameter.op() instanceof Parameter)) {
        throw new IllegalArgumentException(parameter + " is not a parameter and cannot be trained");
      }
    }
    Node learningRate = loss.graph().input(LEARNING_RATE, loss.dtype());
    List<Node> gradients = regularization.apply(parameters, Autodiff.grad(loss, parameters));
    dev.bytegrad.graph.Verifier.check("autodiff", gradients);
    return new TrainingGraph(loss, learningRate, List.copyOf(parameters), gradients,
        Collections.unmodifiableMap(new LinkedHashMap<>(optimizer.updates(parameters, gradients, learningRate))));
  }
}
