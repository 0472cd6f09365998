package dev.bytegrad.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LbfgsTest {
  /** The n-dimensional Rosenbrock function, minimum 0 at (1, ..., 1). */
  private static double rosenbrock(double[] x, double[] g) {
    java.util.Arrays.fill(g, 0);
    double f = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      f += 100 * a * a + b * b;
      g[i] += -400 * x[i] * a - 2 * b;
      g[i + 1] += 200 * a;
    }
    return f;
  }

  @Test
  void rosenbrock_fromTheClassicStart_reachesTheMinimum() {
    double[] start = new double[10];
    for (int i = 0; i < start.length; i++) {
      start[i] = i % 2 == 0 ? -1.2 : 1;
    }
    Lbfgs.Result result = Lbfgs.minimize(LbfgsTest::rosenbrock, start, Lbfgs.Options.defaults(), Lbfgs.Progress.NONE);
    assertThat(result.stop()).isIn(Lbfgs.Stop.GRADIENT_TOLERANCE, Lbfgs.Stop.VALUE_TOLERANCE);
    for (double x : result.x()) {
      assertThat(x).isCloseTo(1, within(1e-4));
    }
    assertThat(result.value()).isLessThan(1e-8);
    assertThat(start[0]).as("the start is left alone").isEqualTo(-1.2);
  }

  /** A point where the function was evaluated: its value, the point and the gradient. */
  private record Point(double value, double[] x, double[] gradient) {}

  @Test
  void everyAcceptedStep_satisfiesTheStrongWolfeConditions() {
    Point[] last = new Point[1];
    DifferentiableFunction recorded = (x, g) -> {
      double f = rosenbrock(x, g);
      last[0] = new Point(f, x.clone(), g.clone());
      return f;
    };
    List<Point> accepted = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    Lbfgs.Options options = Lbfgs.Options.defaults();
    Lbfgs.minimize(recorded, new double[] {-1.2, 1, -1.2, 1}, options, (iteration, value, gradientNorm, step) -> {
      accepted.add(last[0]);
      steps.add(step);
    });
    assertThat(accepted.size()).isGreaterThan(10);
    for (int k = 1; k < accepted.size(); k++) {
      Point from = accepted.get(k - 1);
      Point to = accepted.get(k);
      double step = steps.get(k);
      double slope = 0;
      double newSlope = 0;
      for (int i = 0; i < from.x().length; i++) {
        double direction = (to.x()[i] - from.x()[i]) / step;
        slope += from.gradient()[i] * direction;
        newSlope += to.gradient()[i] * direction;
      }
      assertThat(slope).as("iteration %d descends", k + 1).isNegative();
      assertThat(to.value()).as("sufficient decrease at iteration %d", k + 1)
          .isLessThanOrEqualTo(from.value() + options.c1() * step * slope + 1e-12);
      assertThat(Math.abs(newSlope)).as("curvature at iteration %d", k + 1)
          .isLessThanOrEqualTo(options.c2() * Math.abs(slope) + 1e-9);
    }
  }

  @Test
  void quadratic_inNDimensions_convergesInAboutNIterations() {
    double[] scales = {1, 10, 100, 1000, 3, 30};
    DifferentiableFunction quadratic = (x, g) -> {
      double f = 0;
      for (int i = 0; i < x.length; i++) {
        g[i] = scales[i] * (x[i] - i);
        f += 0.5 * scales[i] * (x[i] - i) * (x[i] - i);
      }
      return f;
    };
    Lbfgs.Result result = Lbfgs.minimize(quadratic, new double[6], Lbfgs.Options.defaults(), Lbfgs.Progress.NONE);
    assertThat(result.iterations()).isLessThanOrEqualTo(20);
    for (int i = 0; i < 6; i++) {
      assertThat(result.x()[i]).isCloseTo(i, within(1e-5));
    }
  }

  @Test
  void iterationLimit_stopsAndSaysSo() {
    Lbfgs.Result result = Lbfgs.minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1},
        Lbfgs.Options.defaults().withMaxIterations(3), Lbfgs.Progress.NONE);
    assertThat(result.iterations()).isEqualTo(3);
    assertThat(result.stop()).isEqualTo(Lbfgs.Stop.MAX_ITERATIONS);
  }

  @Test
  void aFunctionGivingNaN_failsNamingTheEvaluation() {
    assertThatThrownBy(() -> Lbfgs.minimize((x, g) -> Double.NaN, new double[] {1}, Lbfgs.Options.defaults(), Lbfgs.Progress.NONE))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("value NaN at evaluation 1");
  }

  @Test
  void options_rejectWolfeConstantsOutOfOrder() {
    assertThatThrownBy(() -> new Lbfgs.Options(10, 10, 0, 0, 0.9, 0.1, 10)).hasMessageContaining("0 < c1 < c2 < 1");
  }
}
