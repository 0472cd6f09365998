package dev.bytegrad.runtime.train;

/** A function of a vector that gives its value and, in the same call, its gradient. */
@FunctionalInterface
public interface DifferentiableFunction {
  /** Returns {@code f(x)} and writes {@code grad f(x)} into {@code gradient} (of {@code x}'s length). */
  double valueAndGradient(double[] x, double[] gradient);
}
