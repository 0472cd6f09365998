package dev.bytegrad.graph.op;

import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * The identity, through which no cotangent flows. Stable softmax and logsumexp subtract a stopped
 * maximum: the shift cancels mathematically, so its derivative need not be built at all.
 */
public record StopGradient() implements Primitive {
  @Override
  public TensorType infer(List<TensorType> inputs) {
    Check.arity(inputs, 1);
    return inputs.get(0);
  }

  @Override
  public List<Node> vjp(Node y, Node g) {
    return Arrays.asList((Node) null);
  }

  @Override
  public Value evaluate(List<Value> inputs, TensorType type) {
    return inputs.get(0);
  }

  @Override
  public Node jvp(Node y, List<Node> tangents) {
    return null;
  }
}
