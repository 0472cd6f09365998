package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * An optimizer as graph: given parameters, their gradients and a scalar learning-rate node, it adds
 * the nodes computing each parameter's next value, and declares whatever state it keeps (velocities)
 * as more parameters, initialized to zeros and updated the same way.
 */
public sealed interface Optimizer permits Sgd, Momentum {
  /** The next value of every parameter and state tensor, keyed by the node it replaces. */
  Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate);
}
