package dev.bytegrad.runtime.train;

import java.util.Arrays;

/**
 * Full-batch limited-memory BFGS (Nocedal and Wright, algorithms 7.4 and 7.5) with a line search that
 * satisfies the strong Wolfe conditions (algorithms 3.5 and 3.6, cubic interpolation in the zoom),
 * in the spirit of minFunc's default, for the classic exercises that train on the whole data set at
 * once. It works in double precision on any {@link DifferentiableFunction}, such as a compiled loss
 * and gradient.
 *
 * <pre>{@code
 * Lbfgs.Result result = Lbfgs.minimize(f, x0, Lbfgs.Options.defaults(), Lbfgs.Progress.NONE);
 * }</pre>
 */
public final class Lbfgs {
  /**
   * Settings: how many correction pairs to remember, the iteration limit, the stopping tolerances on the
   * gradient's largest entry and on the relative change of the value, and the Wolfe constants
   * {@code 0 < c1 < c2 < 1}.
   */
  public record Options(int memory, int maxIterations, double gradientTolerance, double valueTolerance,
      double c1, double c2, int maxLineSearchEvaluations) {
    public Options {
      if (memory < 1 || maxIterations < 1 || maxLineSearchEvaluations < 1) {
        throw new IllegalArgumentException("memory, iterations and line-search evaluations must be at least 1");
      }
      if (!(gradientTolerance >= 0) || !(valueTolerance >= 0)) {
        throw new IllegalArgumentException("tolerances must not be negative");
      }
      if (!(0 < c1 && c1 < c2 && c2 < 1)) {
        throw new IllegalArgumentException("the Wolfe constants need 0 < c1 < c2 < 1, got " + c1 + " and " + c2);
      }
    }

    /**
     * 10 correction pairs, 500 iterations, gradient tolerance 1e-5, value tolerance 1e-9, the usual
     * quasi-Newton Wolfe constants c1 = 1e-4 and c2 = 0.9, and 25 evaluations per line search.
     */
    public static Options defaults() {
      return new Options(10, 500, 1e-5, 1e-9, 1e-4, 0.9, 25);
    }

    /** These settings with another iteration limit. */
    public Options withMaxIterations(int iterations) {
      return new Options(memory, iterations, gradientTolerance, valueTolerance, c1, c2, maxLineSearchEvaluations);
    }
  }

  /** Why the minimization stopped. */
  public enum Stop {
    GRADIENT_TOLERANCE, VALUE_TOLERANCE, MAX_ITERATIONS, LINE_SEARCH_FAILED
  }

  /** Where the minimization ended: the point, its value and gradient norm, the work done, and why it stopped. */
  public record Result(double[] x, double value, double gradientNorm, int iterations, int evaluations, Stop stop) {}

  /** Hears about each accepted iteration. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (iteration, value, gradientNorm, step) -> {};

    void iteration(int iteration, double value, double gradientNorm, double step);
  }

  private final DifferentiableFunction function;
  private final Options options;
  private final int n;
  private final double[][] s;
  private final double[][] y;
  private final double[] rho;
  private final double[] alpha;
  private int pairs;
  private int newest = -1;
  private int evaluations;
  private final double[] trialX;
  private final double[] trialGradient;
  private double lastTrialValue;
  private double lastTrialSlope;

  private Lbfgs(DifferentiableFunction function, int n, Options options) {
    this.function = function;
    this.options = options;
    this.n = n;
    this.s = new double[options.memory()][n];
    this.y = new double[options.memory()][n];
    this.rho = new double[options.memory()];
    this.alpha = new double[options.memory()];
    this.trialX = new double[n];
    this.trialGradient = new double[n];
  }

  /** Minimizes {@code function} from {@code start} (left unchanged). */
  public static Result minimize(DifferentiableFunction function, double[] start, Options options, Progress progress) {
    return new Lbfgs(function, start.length, options).run(start.clone(), progress);
  }

  private Result run(double[] x, Progress progress) {
    double[] gradient = new double[n];
    double value = evaluate(x, gradient);
    double[] direction = new double[n];
    for (int iteration = 1; ; iteration++) {
      double gradientNorm = maxAbs(gradient);
      if (gradientNorm <= options.gradientTolerance()) {
        return new Result(x, value, gradientNorm, iteration - 1, evaluations, Stop.GRADIENT_TOLERANCE);
      }
      if (iteration > options.maxIterations()) {
        return new Result(x, value, gradientNorm, iteration - 1, evaluations, Stop.MAX_ITERATIONS);
      }
      searchDirection(gradient, direction);
      double slope = dot(gradient, direction);
      if (!(slope < 0)) {
        // the curvature pairs lost positive definiteness to rounding: restart from steepest descent
        pairs = 0;
        searchDirection(gradient, direction);
        slope = dot(gradient, direction);
      }
      double initial = iteration == 1 ? Math.min(1, 1 / l1Norm(gradient)) : 1;
      double step = lineSearch(x, value, slope, direction, initial);
      if (Double.isNaN(step)) {
        return new Result(x, value, gradientNorm, iteration - 1, evaluations, Stop.LINE_SEARCH_FAILED);
      }
      double previous = value;
      value = accept(x, gradient, step, direction);
      progress.iteration(iteration, value, maxAbs(gradient), step);
      if (Math.abs(previous - value) <= options.valueTolerance() * Math.max(1, Math.abs(value))) {
        return new Result(x, value, maxAbs(gradient), iteration, evaluations, Stop.VALUE_TOLERANCE);
      }
    }
  }

  /** Moves to the line search's last trial point, remembering the correction pair; returns the new value. */
  private double accept(double[] x, double[] gradient, double step, double[] direction) {
    int slot = (newest + 1) % options.memory();
    double curvature = 0;
    for (int i = 0; i < n; i++) {
      s[slot][i] = trialX[i] - x[i];
      y[slot][i] = trialGradient[i] - gradient[i];
      curvature += s[slot][i] * y[slot][i];
    }
    if (curvature > 1e-10 * Math.sqrt(dot(y[slot], y[slot]) * dot(s[slot], s[slot]))) {
      rho[slot] = 1 / curvature;
      newest = slot;
      pairs = Math.min(pairs + 1, options.memory());
    }
    System.arraycopy(trialX, 0, x, 0, n);
    System.arraycopy(trialGradient, 0, gradient, 0, n);
    return lastTrialValue;
  }

  /** The two-loop recursion: {@code direction = -H gradient} with H the remembered inverse-Hessian estimate. */
  private void searchDirection(double[] gradient, double[] direction) {
    for (int i = 0; i < n; i++) {
      direction[i] = -gradient[i];
    }
    for (int k = 0; k < pairs; k++) {
      int slot = Math.floorMod(newest - k, options.memory());
      alpha[slot] = rho[slot] * dot(s[slot], direction);
      axpy(-alpha[slot], y[slot], direction);
    }
    if (pairs > 0) {
      double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
      for (int i = 0; i < n; i++) {
        direction[i] *= gamma;
      }
    }
    for (int k = pairs - 1; k >= 0; k--) {
      int slot = Math.floorMod(newest - k, options.memory());
      double beta = rho[slot] * dot(y[slot], direction);
      axpy(alpha[slot] - beta, s[slot], direction);
    }
  }

  /** Evaluates {@code x + step * direction} into the trial buffers; returns the value, sets the slope. */
  private double trial(double[] x, double step, double[] direction) {
    for (int i = 0; i < n; i++) {
      trialX[i] = x[i] + step * direction[i];
    }
    lastTrialValue = evaluate(trialX, trialGradient);
    lastTrialSlope = dot(trialGradient, direction);
    return lastTrialValue;
  }

  /**
   * A step satisfying the strong Wolfe conditions {@code f(x + a d) <= f(x) + c1 a f'(0)} and
   * {@code |f'(a)| <= c2 |f'(0)|}, left evaluated in the trial buffers; NaN when none was found.
   */
  private double lineSearch(double[] x, double value, double slope, double[] direction, double initial) {
    double previousStep = 0;
    double previousValue = value;
    double previousSlope = slope;
    double step = initial;
    for (int i = 0; i < options.maxLineSearchEvaluations(); i++) {
      double trialValue = trial(x, step, direction);
      double trialSlope = lastTrialSlope;
      if (!Double.isFinite(trialValue)) {
        step = (previousStep + step) / 2; // stepped out of the function's domain: come back
        continue;
      }
      if (trialValue > value + options.c1() * step * slope || (i > 0 && trialValue >= previousValue)) {
        return zoom(x, value, slope, direction, previousStep, previousValue, previousSlope, step, trialValue, trialSlope, i);
      }
      if (Math.abs(trialSlope) <= -options.c2() * slope) {
        return step;
      }
      if (trialSlope >= 0) {
        return zoom(x, value, slope, direction, step, trialValue, trialSlope, previousStep, previousValue, previousSlope, i);
      }
      previousStep = step;
      previousValue = trialValue;
      previousSlope = trialSlope;
      step *= 2;
    }
    return Double.NaN;
  }

  /** Narrows {@code [low, high]}, which brackets a Wolfe step, keeping {@code low} the best point so far. */
  private double zoom(double[] x, double value, double slope, double[] direction, double low, double lowValue,
      double lowSlope, double high, double highValue, double highSlope, int used) {
    for (int i = used; i < options.maxLineSearchEvaluations(); i++) {
      double step = interpolate(low, lowValue, lowSlope, high, highValue, highSlope);
      double trialValue = trial(x, step, direction);
      double trialSlope = lastTrialSlope;
      if (trialValue > value + options.c1() * step * slope || trialValue >= lowValue) {
        high = step;
        highValue = trialValue;
        highSlope = trialSlope;
      } else {
        if (Math.abs(trialSlope) <= -options.c2() * slope) {
          return step;
        }
        if (trialSlope * (high - low) >= 0) {
          high = low;
          highValue = lowValue;
          highSlope = lowSlope;
        }
        low = step;
        lowValue = trialValue;
        lowSlope = trialSlope;
      }
    }
    return Double.NaN;
  }

  /** The minimizer of the cubic through both ends' values and slopes, kept inside the interval's middle 80%. */
  private static double interpolate(double a, double fa, double ga, double b, double fb, double gb) {
    double d1 = ga + gb - 3 * (fa - fb) / (a - b);
    double discriminant = d1 * d1 - ga * gb;
    double lo = Math.min(a, b);
    double hi = Math.max(a, b);
    double margin = 0.1 * (hi - lo);
    if (Double.isFinite(fb) && discriminant >= 0) {
      double d2 = Math.signum(b - a) * Math.sqrt(discriminant);
      double step = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
      if (step >= lo + margin && step <= hi - margin) {
        return step;
      }
    }
    return (a + b) / 2;
  }

  private double evaluate(double[] x, double[] gradient) {
    evaluations++;
    double value = function.valueAndGradient(x, gradient);
    if (Double.isNaN(value) || !allFinite(gradient) && Double.isFinite(value)) {
      throw new IllegalStateException("L-BFGS: the function gave value " + value
          + (allFinite(gradient) ? "" : " and a gradient that is not finite") + " at evaluation " + evaluations);
    }
    return value;
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double maxAbs(double[] values) {
    return Arrays.stream(values).map(Math::abs).max().orElse(0);
  }

  private static double l1Norm(double[] values) {
    return Arrays.stream(values).map(Math::abs).sum();
  }
}
