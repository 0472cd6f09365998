package dev.bytegrad.graph.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every optimizer against a few steps computed by hand, in plain double arithmetic, on
 * {@code f(w) = sum(w^4 / 4 + c * w)}, whose gradient is {@code w^3 + c}.
 */
class OptimizerTest {
  private static final double[] START = {0.5, -1.2, 2.0};
  private static final double[] C = {0.3, -0.1, 0.7};
  private static final double LR = 0.05;
  private static final int STEPS = 6;

  /** One hand-written update of {@code w} given its gradient {@code g}; {@code t} counts from 1. */
  private interface HandStep {
    void apply(double[] w, double[] g, int t);
  }

  /** Runs {@code optimizer} for {@link #STEPS} steps in the interpreter (f64) and returns w. */
  private static double[] interpreted(Optimizer optimizer, Regularization regularization) {
    Graph graph = new Graph();
    Node w = graph.parameter("w", Init.zeros(), DType.F64, 3);
    Node c = graph.constant(Tensor.ofDoubles(Shape.of(3), C));
    Node loss = w.pow(4).div(4).add(c.mul(w)).sum();
    TrainingGraph training = TrainingGraph.build(loss, List.of(w), optimizer, regularization);
    Parameters parameters = Parameters.initialize(graph, 1);
    parameters.get("w").copyFrom(Tensor.ofDoubles(Shape.of(3), START));
    InterpretedStep step = new InterpretedStep(training, parameters);
    for (int i = 0; i < STEPS; i++) {
      step.run(Map.of(), LR);
    }
    return parameters.get("w").toDoubleArray();
  }

  private static double[] byHand(HandStep update, double weightDecay) {
    double[] w = START.clone();
    for (int t = 1; t <= STEPS; t++) {
      double[] g = new double[3];
      for (int i = 0; i < 3; i++) {
        g[i] = w[i] * w[i] * w[i] + C[i] + weightDecay * w[i];
      }
      update.apply(w, g, t);
    }
    return w;
  }

  private static void assertClose(double[] actual, double[] expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("w[%d]", i).isCloseTo(expected[i], within(1e-12));
    }
    assertThat(actual).as("the optimizer moved the parameters").isNotEqualTo(START);
  }

  @Test
  void sgd() {
    double[] expected = byHand((w, g, t) -> {
      for (int i = 0; i < 3; i++) {
        w[i] -= LR * g[i];
      }
    }, 0);
    assertClose(interpreted(new Sgd(), Regularization.NONE), expected);
  }

  @Test
  void momentum() {
    double[] v = new double[3];
    double[] expected = byHand((w, g, t) -> {
      for (int i = 0; i < 3; i++) {
        v[i] = 0.9 * v[i] + g[i];
        w[i] -= LR * v[i];
      }
    }, 0);
    assertClose(interpreted(new Momentum(0.9), Regularization.NONE), expected);
  }

  @Test
  void nesterov() {
    double[] v = new double[3];
    double[] expected = byHand((w, g, t) -> {
      for (int i = 0; i < 3; i++) {
        v[i] = 0.8 * v[i] + g[i];
        w[i] -= LR * (g[i] + 0.8 * v[i]);
      }
    }, 0);
    assertClose(interpreted(new Nesterov(0.8), Regularization.NONE), expected);
  }

  @Test
  void adaGrad() {
    double[] s = new double[3];
    double[] expected = byHand((w, g, t) -> {
      for (int i = 0; i < 3; i++) {
        s[i] += g[i] * g[i];
        w[i] -= LR * g[i] / (Math.sqrt(s[i]) + 1e-10);
      }
    }, 0);
    assertClose(interpreted(new AdaGrad(1e-10), Regularization.NONE), expected);
  }

  @Test
  void rmsProp() {
    double[] s = new double[3];
    double[] expected = byHand((w, g, t) -> {
      for (int i = 0; i < 3; i++) {
        s[i] = 0.99 * s[i] + 0.01 * g[i] * g[i];
        w[i] -= LR * g[i] / (Math.sqrt(s[i]) + 1e-8);
      }
    }, 0);
    assertClose(interpreted(RmsProp.defaults(), Regularization.NONE), expected);
  }

  @Test
  void adam() {
    assertClose(interpreted(Adam.defaults(), Regularization.NONE), byHand(adamByHand(0), 0));
  }

  @Test
  void adamW_decaysTheWeightsOutsideTheMoments() {
    assertClose(interpreted(new AdamW(Adam.defaults(), 0.1), Regularization.NONE), byHand(adamByHand(0.1), 0));
  }

  private static HandStep adamByHand(double decoupledDecay) {
    double[] m = new double[3];
    double[] v = new double[3];
    return (w, g, t) -> {
      for (int i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        double mHat = m[i] / (1 - Math.pow(0.9, t));
        double vHat = v[i] / (1 - Math.pow(0.999, t));
        w[i] = w[i] * (1 - LR * decoupledDecay) - LR * mHat / (Math.sqrt(vHat) + 1e-8);
      }
    };
  }

  @Test
  void weightDecay_addsAnL2TermToTheGradient() {
    double[] expected = byHand((w, g, t) -> {
      for (int i = 0; i < 3; i++) {
        w[i] -= LR * g[i];
      }
    }, 0.2);
    assertClose(interpreted(new Sgd(), new Regularization(0.2, 0)), expected);
  }

  @Test
  void clipping_scalesAllGradientsToTheGlobalNorm() {
    double clip = 0.5;
    double[] expected = byHand((w, g, t) -> {
      double norm = Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
      double scale = Math.min(1, clip / (norm + 1e-6));
      for (int i = 0; i < 3; i++) {
        w[i] -= LR * g[i] * scale;
      }
    }, 0);
    assertClose(interpreted(new Sgd(), new Regularization(0, clip)), expected);
  }

  @Test
  void named_knowsEveryOptimizer_andRejectsOthersListingThem() {
    for (String name : Optimizer.NAMES) {
      assertThat(Optimizer.named(name, 0.9, 0.01)).isNotNull();
    }
    assertThatThrownBy(() -> Optimizer.named("adamax", 0.9, 0))
        .hasMessageContaining("unknown optimizer 'adamax'").hasMessageContaining("adamw");
    assertThatThrownBy(() -> new Adam(1, 0.999, 1e-8)).hasMessageContaining("beta1");
  }
}
