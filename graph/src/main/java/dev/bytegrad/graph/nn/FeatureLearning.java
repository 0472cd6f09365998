package dev.bytegrad.graph.nn;

import dev.bytegrad.graph.CallSite;
import dev.bytegrad.graph.GraphBuildException;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import java.util.List;

/**
 * The objectives of unsupervised feature learning, written with the DSL so that their gradients are
 * derived, checked and compiled like any other: the sparse autoencoder, sparse coding and
 * reconstruction ICA. Examples are rows: {@code x [m, n]} holds m examples of n values.
 */
public final class FeatureLearning {
  private FeatureLearning() {}

  /** Settings of a sparse autoencoder: weight decay λ, sparsity target ρ and weight β, decoder. */
  public record SparseAutoencoder(int hidden, double weightDecay, double sparsity, double sparsityWeight, boolean linearDecoder) {
    public SparseAutoencoder {
      if (hidden < 1 || !(sparsity > 0 && sparsity < 1) || weightDecay < 0 || sparsityWeight < 0) {
        throw new IllegalArgumentException("a sparse autoencoder needs hidden units, 0 < rho < 1 and non-negative weights; got "
            + hidden + ", " + sparsity + ", " + weightDecay + ", " + sparsityWeight);
      }
    }
  }

  /** The nodes of a sparse autoencoder: its loss, its parts, the hidden activations and the reconstruction. */
  public record Autoencoder(Node loss, Node reconstruction, Node weightDecay, Node sparsityPenalty, Node hidden,
      Node averageActivation, Node output, Node encoder) {}

  /**
   * A sparse autoencoder of {@code x [m, n]} (parameters {@code name.encoder [n, h]}, {@code name.encoder_bias},
   * {@code name.decoder [h, n]}, {@code name.decoder_bias}): hidden {@code a = σ(x W1 + b1)}, output
   * {@code σ(a W2 + b2)} (or {@code a W2 + b2} with a linear decoder, for inputs not in [0, 1]), and
   *
   * <pre>J = 1/(2m) Σ ||x̂ − x||² + λ/2 (||W1||² + ||W2||²) + β Σ_j KL(ρ || ρ̂_j)</pre>
   *
   * with {@code ρ̂_j} the average activation of hidden unit j over the m examples and
   * {@code KL(ρ || ρ̂) = ρ log(ρ/ρ̂) + (1−ρ) log((1−ρ)/(1−ρ̂))}: the penalty that keeps units mostly off.
   */
  public static Autoencoder sparseAutoencoder(Node x, String name, SparseAutoencoder settings) {
    if (x.shape().rank() != 2) {
      throw new GraphBuildException("sparse autoencoder " + name, List.of(x.type()), "needs examples as rows [m, n]", CallSite.capture());
    }
    int m = x.shape().dim(0);
    int n = x.shape().dim(1);
    int h = settings.hidden();
    // the initialization of the UFLDL exercises: uniform in ±sqrt(6 / (n + h + 1))
    double bound = Math.sqrt(6.0 / (n + h + 1));
    Node w1 = x.graph().parameter(name + ".encoder", Init.uniform(-bound, bound), x.dtype(), n, h);
    Node b1 = x.graph().parameter(name + ".encoder_bias", Init.zeros(), x.dtype(), h);
    Node w2 = x.graph().parameter(name + ".decoder", Init.uniform(-bound, bound), x.dtype(), h, n);
    Node b2 = x.graph().parameter(name + ".decoder_bias", Init.zeros(), x.dtype(), n);
    Node hidden = x.matmul(w1).add(b1).sigmoid();
    Node pre = hidden.matmul(w2).add(b2);
    Node output = settings.linearDecoder() ? pre : pre.sigmoid();
    Node reconstruction = output.sub(x).square().sum().div(2.0 * m);
    Node decay = w1.square().sum().add(w2.square().sum()).mul(settings.weightDecay() / 2);
    Node average = hidden.mean(0);
    Node penalty = klDivergence(settings.sparsity(), average).sum().mul(settings.sparsityWeight());
    return new Autoencoder(reconstruction.add(decay).add(penalty), reconstruction, decay, penalty, hidden, average, output, w1);
  }

  /** {@code KL(ρ || q)} elementwise, for a target rate ρ and rates {@code q} in (0, 1). */
  public static Node klDivergence(double rho, Node q) {
    return q.log().neg().mul(rho).add(Math.log(rho) * rho)
        .add(q.neg().add(1).log().neg().mul(1 - rho)).add(Math.log(1 - rho) * (1 - rho));
  }

  /** {@code sqrt(v² + ε)}: |v| made smooth at 0, so that L1 penalties have gradients everywhere. */
  public static Node smoothAbs(Node v, double epsilon) {
    return v.square().add(epsilon).sqrt();
  }

  /**
   * The sparse coding objective for a basis {@code a [n, k]} and codes {@code s [m, k]} of examples
   * {@code x [m, n]} (each example approximated as {@code a s_i}):
   *
   * <pre>J = 1/m ||s Aᵀ − x||² + λ/m Σ sqrt(s² + ε) + γ ||A||²</pre>
   */
  public static Node sparseCoding(Node x, Node basis, Node codes, double lambda, double epsilon, double gamma) {
    int m = x.shape().dim(0);
    Node residual = codes.matmul(basis.transpose(1, 0)).sub(x);
    return residual.square().sum().div(m).add(smoothAbs(codes, epsilon).sum().mul(lambda / m))
        .add(basis.square().sum().mul(gamma));
  }

  /**
   * Reconstruction ICA (Le et al. 2011) of whitened examples {@code x [m, n]} with filters {@code w [k, n]}:
   *
   * <pre>J = λ/m Σ sqrt((W x)² + ε) + 1/(2m) ||Wᵀ W x − x||²</pre>
   *
   * summed over the examples, the smoothed L1 norm of the features against the reconstruction error.
   */
  public static Node rica(Node x, Node w, double lambda, double epsilon) {
    int m = x.shape().dim(0);
    Node features = x.matmul(w.transpose(1, 0));
    Node reconstruction = features.matmul(w).sub(x);
    return smoothAbs(features, epsilon).sum().mul(lambda / m).add(reconstruction.square().sum().div(2.0 * m));
  }
}
