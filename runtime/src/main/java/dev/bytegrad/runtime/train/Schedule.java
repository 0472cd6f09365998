package dev.bytegrad.runtime.train;

/**
 * A learning-rate schedule: the rate for each optimizer step, counted from 0 over the whole run. The
 * compiled step takes its learning rate as an input, so a schedule never changes the generated code.
 *
 * <pre>{@code
 * Schedule schedule = Schedule.warmup(500, Schedule.cosine(0.1, totalSteps, 0));
 * }</pre>
 */
@FunctionalInterface
public interface Schedule {
  /** The learning rate of step {@code step} (0-based). */
  double rate(long step);

  /** The same rate at every step. */
  static Schedule constant(double rate) {
    checkRate(rate);
    return step -> rate;
  }

  /** {@code rate * gamma^floor(step / every)}: decays by {@code gamma} each {@code every} steps (PyTorch's StepLR). */
  static Schedule step(double rate, long every, double gamma) {
    checkRate(rate);
    if (every < 1 || !(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("a step schedule needs a period of at least 1 step and gamma in (0, 1], got "
          + every + " and " + gamma);
    }
    return step -> rate * Math.pow(gamma, step / every);
  }

  /**
   * Cosine annealing from {@code rate} down to {@code floor} over {@code steps} steps, then
   * {@code floor}: {@code floor + (rate - floor) * (1 + cos(pi * step / steps)) / 2}.
   */
  static Schedule cosine(double rate, long steps, double floor) {
    checkRate(rate);
    if (steps < 1 || !(floor >= 0 && floor <= rate)) {
      throw new IllegalArgumentException("a cosine schedule needs at least 1 step and a floor in [0, rate], got "
          + steps + " and " + floor);
    }
    return step -> step >= steps ? floor : floor + (rate - floor) * (1 + Math.cos(Math.PI * step / steps)) / 2;
  }

  /**
   * Linear warm-up: the first {@code steps} steps ramp from {@code after.rate(0) / steps} up to
   * {@code after}'s rates, which then continue as if counted from the start of the run.
   */
  static Schedule warmup(long steps, Schedule after) {
    if (steps < 0) {
      throw new IllegalArgumentException("warm-up steps must not be negative, got " + steps);
    }
    return step -> step < steps ? after.rate(step) * (step + 1) / steps : after.rate(step);
  }

  private static void checkRate(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + rate);
    }
  }
}
