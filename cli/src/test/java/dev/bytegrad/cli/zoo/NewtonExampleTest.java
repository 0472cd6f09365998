package dev.bytegrad.cli.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Hessian-free Newton reaches the optimum of regularized logistic regression in far fewer steps than gradient descent. */
class NewtonExampleTest {
  @Test
  void hessianFreeNewton_convergesInAHandfulOfSteps_toTheLossALongGradientDescentRunReaches() {
    NewtonExample.Result result = NewtonExample.run(20_000, 0.5);
    assertThat(result.newton().gradientNorm()).isLessThan(1e-8);
    assertThat(result.newton().newtonSteps()).isLessThanOrEqualTo(15);
    assertThat(result.gradientReached()).as("gradient descent reaches Newton's loss within 1e-6").isTrue();
    assertThat(result.gradientLoss()).isCloseTo(result.newton().finalLoss(), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(result.gradientSteps()).isGreaterThan(100 * result.newton().newtonSteps());
    for (int i = 1; i < result.newton().losses().size(); i++) {
      assertThat(result.newton().losses().get(i)).as("the loss never rises").isLessThanOrEqualTo(result.newton().losses().get(i - 1));
    }
  }
}
