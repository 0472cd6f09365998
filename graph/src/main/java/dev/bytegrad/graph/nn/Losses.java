package dev.bytegrad.graph.nn;

import dev.bytegrad.graph.CallSite;
import dev.bytegrad.graph.GraphBuildException;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.DType;
import java.util.Arrays;
import java.util.List;

/**
 * Losses, each a scalar averaged over the examples. Operand shapes must match exactly — no silent
 * broadcasting of {@code [n]} against {@code [n, 1]}, the classic way to train on the wrong loss.
 */
public final class Losses {
  private Losses() {}

  /**
   * Softmax cross-entropy from {@code logits [..., classes]} and i32 {@code labels [...]}:
   * {@code mean(logsumexp(z) - z[label])}, via log-softmax so that no probability underflows.
   */
  public static Node crossEntropy(Node logits, Node labels) {
    int[] dims = logits.shape().dims();
    if (labels.dtype() != DType.I32 || dims.length == 0
        || !Arrays.equals(labels.shape().dims(), Arrays.copyOf(dims, dims.length - 1))) {
      throw failure("cross_entropy", "labels must be i32 and shaped like the logits without their last axis",
          logits, labels);
    }
    Node oneHot = labels.oneHot(logits.shape().dim(-1), logits.dtype());
    return logits.logSoftmax(-1).mul(oneHot).sum(-1).neg().mean();
  }

  /**
   * Binary cross-entropy from logits {@code z} and targets {@code t} in [0, 1] of the same shape:
   * {@code mean(max(z, 0) - z t + log(1 + exp(-|z|)))}, which never evaluates exp of a large number.
   */
  public static Node binaryCrossEntropy(Node logits, Node targets) {
    sameShape("binary_cross_entropy", logits, targets);
    Node softplusOfNegAbs = logits.abs().neg().exp().add(1).log();
    return logits.relu().sub(logits.mul(targets)).add(softplusOfNegAbs).mean();
  }

  /** Mean squared error, {@code mean((prediction - target)^2)}. */
  public static Node mse(Node prediction, Node target) {
    sameShape("mse", prediction, target);
    return prediction.sub(target).square().mean();
  }

  /** L2 weight decay, {@code lambda / 2 * sum of squares of every weight}. */
  public static Node l2(double lambda, List<Node> weights) {
    Node total = null;
    for (Node weight : weights) {
      Node squares = weight.square().sum();
      total = total == null ? squares : total.add(squares);
    }
    if (total == null) {
      throw new IllegalArgumentException("l2 needs at least one weight");
    }
    return total.mul(lambda / 2);
  }

  private static void sameShape(String op, Node a, Node b) {
    if (!a.type().equals(b.type())) {
      throw failure(op, "operands must have the same type", a, b);
    }
  }

  private static GraphBuildException failure(String op, String problem, Node... operands) {
    return new GraphBuildException(op, Arrays.stream(operands).map(Node::type).toList(), problem, CallSite.capture());
  }
}
