package dev.bytegrad.graph.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.GradientCheck;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The feature-learning objectives: their values against direct loops, their gradients against finite differences. */
class FeatureLearningTest {
  private static Tensor random(SplittableRandom random, double low, double high, int... dims) {
    Tensor t = Tensor.zeros(DType.F64, Shape.of(dims));
    for (int i = 0; i < t.size(); i++) {
      t.doubles()[i] = random.nextDouble(low, high);
    }
    return t;
  }

  private static Map<Node, Tensor> feeds(Graph g, Node x, Tensor xv, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<Node, Tensor> feeds = new HashMap<>();
    feeds.put(x, xv);
    for (Node p : g.parameters()) {
      feeds.put(p, random(random, -0.5, 0.5, p.shape().dims()));
    }
    return feeds;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void sparseAutoencoder_lossMatchesTheTextbookFormula_andItsGradientsCheck() {
    for (boolean linear : new boolean[] {false, true}) {
      Graph g = new Graph();
      Node x = g.input("x", DType.F64, 6, 5);
      FeatureLearning.Autoencoder ae = FeatureLearning.sparseAutoencoder(x, "ae",
          new FeatureLearning.SparseAutoencoder(3, 1e-3, 0.1, 3, linear));
      Tensor xv = random(new SplittableRandom(1), 0.05, 0.95, 6, 5);
      Map<Node, Tensor> feeds = feeds(g, x, xv, 2);
      double[] w1 = feeds.get(g.leaf("ae.encoder").orElseThrow()).doubles();
      double[] b1 = feeds.get(g.leaf("ae.encoder_bias").orElseThrow()).doubles();
      double[] w2 = feeds.get(g.leaf("ae.decoder").orElseThrow()).doubles();
      double[] b2 = feeds.get(g.leaf("ae.decoder_bias").orElseThrow()).doubles();
      double[][] a = new double[6][3];
      double squares = 0;
      double[] rhoHat = new double[3];
      for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 3; j++) {
          double z = b1[j];
          for (int k = 0; k < 5; k++) {
            z += xv.doubles()[i * 5 + k] * w1[k * 3 + j];
          }
          a[i][j] = sigmoid(z);
          rhoHat[j] += a[i][j] / 6;
        }
        for (int k = 0; k < 5; k++) {
          double z = b2[k];
          for (int j = 0; j < 3; j++) {
            z += a[i][j] * w2[j * 5 + k];
          }
          double out = linear ? z : sigmoid(z);
          squares += Math.pow(out - xv.doubles()[i * 5 + k], 2);
        }
      }
      double decay = 0;
      for (double v : w1) {
        decay += v * v;
      }
      for (double v : w2) {
        decay += v * v;
      }
      double kl = 0;
      for (double q : rhoHat) {
        kl += 0.1 * Math.log(0.1 / q) + 0.9 * Math.log(0.9 / (1 - q));
      }
      double expected = squares / 12 + 1e-3 / 2 * decay + 3 * kl;
      assertThat(Interpreter.float64().evaluate(ae.loss(), feeds).getDouble(0)).isCloseTo(expected, within(1e-12));
      GradientCheck.Report report = GradientCheck.check(ae.loss(), g.parameters(), feeds);
      assertThat(report.worstRelativeError()).as(report.toString()).isLessThan(1e-6);
    }
  }

  @Test
  void klDivergence_hasTheClosedFormDerivative() {
    Graph g = new Graph();
    Node q = g.input("q", DType.F64, 4);
    Node kl = FeatureLearning.klDivergence(0.05, q).sum();
    Tensor qv = Tensor.ofDoubles(Shape.of(4), new double[] {0.01, 0.05, 0.3, 0.9});
    double[] grad = Interpreter.float64().evaluate(Autodiff.grad(kl, q), Map.of(q, qv)).toDoubleArray();
    for (int i = 0; i < 4; i++) {
      double v = qv.doubles()[i];
      assertThat(grad[i]).isCloseTo(-0.05 / v + 0.95 / (1 - v), within(1e-12));
    }
    assertThat(grad[1]).isCloseTo(0, within(1e-12)); // minimal where the rate meets the target
  }

  @Test
  void sparseCoding_andRica_gradientsCheck_includingTheSmoothedL1() {
    SplittableRandom random = new SplittableRandom(3);
    Graph g = new Graph();
    Node x = g.input("x", DType.F64, 7, 4);
    Node basis = g.parameter("basis", Init.zeros(), DType.F64, 4, 3);
    Node codes = g.parameter("codes", Init.zeros(), DType.F64, 7, 3);
    Node coding = FeatureLearning.sparseCoding(x, basis, codes, 0.3, 1e-2, 1e-2);
    Map<Node, Tensor> feeds = new HashMap<>();
    feeds.put(x, random(random, -1, 1, 7, 4));
    feeds.put(basis, random(random, -1, 1, 4, 3));
    Tensor s = random(random, -1, 1, 7, 3);
    s.doubles()[0] = 0; // at the kink of |s|, where only the smoothing gives a gradient
    feeds.put(codes, s);
    GradientCheck.Report report = GradientCheck.check(coding, List.of(basis, codes), feeds);
    assertThat(report.worstRelativeError()).as(report.toString()).isLessThan(1e-6);

    Graph h = new Graph();
    Node patches = h.input("x", DType.F64, 9, 5);
    Node w = h.parameter("w", Init.zeros(), DType.F64, 6, 5);
    Node rica = FeatureLearning.rica(patches, w, 0.5, 1e-2);
    Map<Node, Tensor> ricaFeeds = Map.of(patches, random(random, -1, 1, 9, 5), w, random(random, -0.5, 0.5, 6, 5));
    GradientCheck.Report ricaReport = GradientCheck.check(rica, List.of(w), ricaFeeds);
    assertThat(ricaReport.worstRelativeError()).as(ricaReport.toString()).isLessThan(1e-6);
  }
}
