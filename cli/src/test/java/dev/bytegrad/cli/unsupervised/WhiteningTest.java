package dev.bytegrad.cli.unsupervised;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.cli.zoo.BuiltinData;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PCA and whitening: kept variance, and a whitened covariance that is the identity within ε. */
class WhiteningTest {
  /** m examples of correlated Gaussian data in d dimensions, variances from 0.05 to 9. */
  private static Tensor correlated(int m, int d, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] mix = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        mix[a][b] = random.nextGaussian() * (a == b ? 3 : 0.5);
      }
    }
    float[] x = new float[m * d];
    for (int i = 0; i < m; i++) {
      double[] z = new double[d];
      for (int a = 0; a < d; a++) {
        z[a] = random.nextGaussian();
      }
      for (int b = 0; b < d; b++) {
        double v = 5;
        for (int a = 0; a < d; a++) {
          v += z[a] * mix[a][b];
        }
        x[i * d + b] = (float) v;
      }
    }
    return Tensor.ofFloats(Shape.of(m, d), x);
  }

  private static double worstFromIdentity(double[][] c) {
    double worst = 0;
    for (int a = 0; a < c.length; a++) {
      for (int b = 0; b < c.length; b++) {
        worst = Math.max(worst, Math.abs(c[a][b] - (a == b ? 1 : 0)));
      }
    }
    return worst;
  }

  @Test
  void zcaWhitenedData_haveTheIdentityCovariance_withinEpsilon() {
    Tensor x = correlated(4000, 6, 1);
    double epsilon = 1e-4;
    Whitening zca = Whitening.fit(x, 1, Whitening.Kind.ZCA, epsilon);
    double smallest = zca.eigenvalues()[5];
    assertThat(worstFromIdentity(Whitening.covariance(zca.apply(x)))).isLessThan(2 * epsilon / smallest + 1e-5);
    Whitening loose = Whitening.fit(x, 1, Whitening.Kind.ZCA, 1.0);
    assertThat(Whitening.covariance(loose.apply(x))[5][5]).as("a large epsilon shrinks the variances").isLessThan(0.99);
  }

  @Test
  void pcaWhiteningOfTheDigits_keeps99PercentInFewerComponents_withIdentityCovariance() {
    Tensor x = BuiltinData.digits().features();
    Whitening pca = Whitening.fit(x, 0.99, Whitening.Kind.PCA_WHITE, 1e-5);
    assertThat(pca.components()).isBetween(30, 50);
    assertThat(pca.retainedVariance()).isGreaterThanOrEqualTo(0.99);
    assertThat(pca.outputs()).isEqualTo(pca.components());
    double[][] c = Whitening.covariance(pca.apply(x));
    assertThat(worstFromIdentity(c)).isLessThan(1e-3);
    Whitening plain = Whitening.fit(x, 0.99, Whitening.Kind.PCA, 0);
    double[][] p = Whitening.covariance(plain.apply(x));
    assertThat(p[0][0]).isCloseTo(plain.eigenvalues()[0], org.assertj.core.data.Offset.offset(1e-3 * plain.eigenvalues()[0]));
    assertThat(Math.abs(p[0][1])).isLessThan(1e-3 * plain.eigenvalues()[0]);
  }

  @Test
  void badData_areRefusedSayingWhy() {
    Tensor nan = Tensor.ofFloats(Shape.of(3, 2), 1, 2, Float.NaN, 4, 5, 6);
    assertThatThrownBy(() -> Whitening.fit(nan, 0.9, Whitening.Kind.ZCA, 0.1)).hasMessageContaining("NaN");
    assertThatThrownBy(() -> Whitening.fit(correlated(10, 3, 2), 1.5, Whitening.Kind.ZCA, 0.1)).hasMessageContaining("(0, 1]");
    Whitening fitted = Whitening.fit(correlated(10, 3, 2), 1, Whitening.Kind.ZCA, 0.1);
    assertThatThrownBy(() -> fitted.apply(correlated(10, 4, 2))).hasMessageContaining("fitted to 3 values");
  }
}
