package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to the gradients before the optimizer sees them: an L2 weight-decay term
 * {@code g <- g + weightDecay * w} (PyTorch's {@code weight_decay}), then clipping by global norm,
 * {@code g <- g * min(1, clipNorm / (||g|| + 1e-6))} where {@code ||g||} is the norm of all gradients
 * together. A {@code clipNorm} of 0 turns clipping off, as does a weight decay of 0 the decay.
 */
public record Regularization(double weightDecay, double clipNorm) {
  /** Neither decay nor clipping. */
  public static final Regularization NONE = new Regularization(0, 0);

  public Regularization {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay) || !(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException(String.format(
          "weight decay and clipping norm must be non-negative numbers (0 for none), got %s and %s", weightDecay, clipNorm));
    }
  }

  /** The gradients as the optimizer should see them. */
  public List<Node> apply(List<Node> parameters, List<Node> gradients) {
    List<Node> result = new ArrayList<>(gradients.size());
    for (int i = 0; i < gradients.size(); i++) {
      Node g = gradients.get(i);
      result.add(weightDecay == 0 ? g : g.add(parameters.get(i).mul(weightDecay)));
    }
    if (clipNorm == 0 || result.isEmpty()) {
      return result;
    }
    Node squares = null;
    for (Node g : result) {
      Node sum = g.square().sum();
      squares = squares == null ? sum : squares.add(sum);
    }
    Node norm = squares.sqrt().add(1e-6);
    Node scale = norm.graph().constant(clipNorm, norm.dtype()).div(norm).minimum(1);
    result.replaceAll(g -> g.mul(scale));
    return result;
  }
}
