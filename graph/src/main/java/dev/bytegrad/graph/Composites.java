package dev.bytegrad.graph;

import dev.bytegrad.runtime.Shape;
import java.util.List;

/**
 * Composites behind the DSL's methods: functions of primitives, so they need no derivative rule or
 * lowering of their own. The numerically delicate ones are written in their stable forms.
 */
final class Composites {
  private Composites() {}

  // mean(x) = sum(x) / n, n the number of elements reduced
  static Node mean(Node x, List<Integer> axes, boolean keepDims) {
    int count = 1;
    for (int axis : axes) {
      count *= x.shape().dim(axis);
    }
    return x.sum(axes, keepDims).div(count);
  }

  // logsumexp(x) = m + log(sum(exp(x - m))), m = max(x) held constant: no overflow, same value
  static Node logSumExp(Node x, int axis, boolean keepDims) {
    Node m = x.max(List.of(axis), true).stopGradient();
    Node result = x.sub(m).exp().sum(List.of(axis), true).log().add(m);
    return keepDims ? result : result.reshape(removeAxis(x, axis));
  }

  // softmax(x) = exp(x - m) / sum(exp(x - m)), m = max(x) held constant
  static Node softmax(Node x, int axis) {
    Node e = x.sub(x.max(List.of(axis), true).stopGradient()).exp();
    return e.div(e.sum(List.of(axis), true));
  }

  // log softmax(x) = x - logsumexp(x)
  static Node logSoftmax(Node x, int axis) {
    return x.sub(logSumExp(x, axis, true));
  }

  private static Shape removeAxis(Node x, int axis) {
    int[] dims = x.shape().dims();
    int[] result = new int[dims.length - 1];
    for (int i = 0, next = 0; i < dims.length; i++) {
      if (i != axis) {
        result[next++] = dims[i];
      }
    }
    return Shape.of(result);
  }
}
