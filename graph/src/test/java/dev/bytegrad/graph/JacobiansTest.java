package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JacobiansTest {
  @Test
  void hessianOfLogisticRegressionsLoss_isXTransposeDiagPOneMinusPXOverN() {
    int n = 12;
    int d = 4;
    SplittableRandom random = new SplittableRandom(3);
    double[] xs = new double[n * d];
    double[] ys = new double[n];
    double[] ws = new double[d];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = random.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      ys[i] = random.nextBoolean() ? 1 : 0;
    }
    for (int j = 0; j < d; j++) {
      ws[j] = random.nextGaussian() * 0.5;
    }
    Graph g = new Graph();
    Node x = g.input("x", DType.F64, n, d);
    Node y = g.input("y", DType.F64, n);
    Node w = g.parameter("w", Init.zeros(), DType.F64, d);
    Node loss = Losses.binaryCrossEntropy(x.matmul(w.reshape(d, 1)).reshape(n), y);
    Map<Node, Tensor> feeds = Map.of(x, Tensor.ofDoubles(Shape.of(n, d), xs), y, Tensor.ofDoubles(Shape.of(n), ys),
        w, Tensor.ofDoubles(Shape.of(d), ws));

    Tensor hessian = Jacobians.hessian(loss, w, feeds);

    assertThat(hessian.shape()).isEqualTo(Shape.of(d, d));
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double expected = 0;
        for (int i = 0; i < n; i++) {
          double z = 0;
          for (int j = 0; j < d; j++) {
            z += xs[i * d + j] * ws[j];
          }
          double p = 1 / (1 + Math.exp(-z));
          expected += xs[i * d + a] * p * (1 - p) * xs[i * d + b] / n;
        }
        assertThat(hessian.doubles()[a * d + b]).as("H[%d][%d]", a, b).isCloseTo(expected, within(1e-12));
      }
    }
  }

  @Test
  void jacobianOfSoftmax_isDiagPMinusPPTranspose() {
    Graph g = new Graph();
    Node z = g.input("z", DType.F64, 3);
    double[] values = {0.5, -1.0, 2.0};
    Tensor jacobian = Jacobians.jacobian(z.softmax(0), z, Map.of(z, Tensor.ofDoubles(Shape.of(3), values)));
    double sum = Math.exp(0.5) + Math.exp(-1.0) + Math.exp(2.0);
    double[] p = {Math.exp(0.5) / sum, Math.exp(-1.0) / sum, Math.exp(2.0) / sum};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double expected = (i == j ? p[i] : 0) - p[i] * p[j];
        assertThat(jacobian.doubles()[i * 3 + j]).isCloseTo(expected, within(1e-14));
      }
    }
  }
}
