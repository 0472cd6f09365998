package dev.bytegrad.graph;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Shuffle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Gradient checking: compares the symbolic gradient of a scalar loss with central finite differences,
 * {@code (f(x + h) - f(x - h)) / 2h}, both evaluated in f64 by the interpreter, and reports the worst
 * element.
 *
 * <p>The relative error of an element is {@code |analytic - numeric| / max(|analytic|, |numeric|,
 * 1e-6)}: gradients smaller than 1e-6 are compared absolutely, where rounding dominates any ratio.
 * In f64 with {@code h = 1e-6} a correct gradient typically shows errors below 1e-7.
 *
 * <pre>{@code
 * GradientCheck.Report report = GradientCheck.check(loss, graph.parameters(), feeds);
 * if (!report.passes(1e-5)) throw new AssertionError(report);
 * }</pre>
 */
public final class GradientCheck {
  /** Default step {@code h} of the central differences. */
  public static final double DEFAULT_STEP = 1e-6;

  private GradientCheck() {}

  /** One compared element: which tensor, where, both derivatives and their relative error. */
  public record Element(String tensor, int[] position, double analytic, double numeric, double relativeError) {
    @Override
    public String toString() {
      return String.format("%s%s: analytic %.9g, numeric %.9g, relative error %.3g",
          tensor, Arrays.toString(position), analytic, numeric, relativeError);
    }
  }

  /** The outcome: the worst element and how many elements were compared. */
  public record Report(Element worst, int elementsChecked) {
    public double worstRelativeError() {
      return worst == null ? 0 : worst.relativeError();
    }

    /** Whether every compared element's relative error is at most {@code tolerance}. */
    public boolean passes(double tolerance) {
      return worstRelativeError() <= tolerance;
    }

    @Override
    public String toString() {
      return "worst of " + elementsChecked + " elements: " + worst;
    }
  }

  /** Checks every element of every tensor in {@code wrt} with the default step. */
  public static Report check(Node loss, List<Node> wrt, Map<Node, Tensor> feeds) {
    return check(loss, wrt, feeds, DEFAULT_STEP, Integer.MAX_VALUE, 0);
  }

  /**
   * Checks at most {@code maxPerTensor} elements of each tensor in {@code wrt} (chosen at random with
   * {@code seed} when a tensor is larger), with step {@code step}. Every node of {@code wrt} must be an
   * input or parameter fed in {@code feeds}; the fed tensors are not modified.
   */
  public static Report check(Node loss, List<Node> wrt, Map<Node, Tensor> feeds,
      double step, int maxPerTensor, long seed) {
    List<Node> gradients = Autodiff.grad(loss, wrt);
    List<Tensor> analytic = Interpreter.float64().evaluate(gradients, float64(feeds));
    return compare(loss, wrt, feeds, analytic, step, maxPerTensor, seed);
  }

  /**
   * Compares gradients computed elsewhere ({@code analytic}, one tensor per node of {@code wrt}, such as
   * a compiled function's outputs) with central differences of {@code loss} evaluated in f64, for at
   * most {@code maxPerTensor} elements of each tensor.
   */
  public static Report compare(Node loss, List<Node> wrt, Map<Node, Tensor> feeds, List<Tensor> analytic,
      double step, int maxPerTensor, long seed) {
    Map<Node, Tensor> feeds64 = float64(feeds);
    Interpreter interpreter = Interpreter.float64();
    Element worst = null;
    int checked = 0;
    for (int t = 0; t < wrt.size(); t++) {
      Node node = wrt.get(t);
      Tensor values = feeds64.get(node);
      if (values == null) {
        throw new IllegalArgumentException("gradient check: no value fed for " + node + "; it must be an input or parameter");
      }
      for (int index : elements(values.size(), maxPerTensor, seed + t)) {
        double original = values.doubles()[index];
        values.doubles()[index] = original + step;
        double plus = interpreter.evaluate(loss, feeds64).getDouble(0);
        values.doubles()[index] = original - step;
        double minus = interpreter.evaluate(loss, feeds64).getDouble(0);
        values.doubles()[index] = original;
        double numeric = (plus - minus) / (2 * step);
        double exact = analytic.get(t).getDouble(index);
        double error = Math.abs(exact - numeric) / Math.max(Math.max(Math.abs(exact), Math.abs(numeric)), 1e-6);
        checked++;
        if (worst == null || error > worst.relativeError() || Double.isNaN(error)) {
          worst = new Element(Interpreter.name(node), position(values.shape(), index), exact, numeric, error);
        }
      }
    }
    return new Report(worst, checked);
  }

  private static Map<Node, Tensor> float64(Map<Node, Tensor> feeds) {
    Map<Node, Tensor> feeds64 = new HashMap<>();
    feeds.forEach((node, tensor) -> feeds64.put(node, tensor.dtype().isFloating() ? tensor.to(DType.F64) : tensor));
    return feeds64;
  }

  private static int[] elements(int size, int max, long seed) {
    int[] order = size <= max ? null : Shuffle.permutation(size, new SplittableRandom(seed));
    return order == null ? java.util.stream.IntStream.range(0, size).toArray() : Arrays.copyOf(order, max);
  }

  private static int[] position(Shape shape, int index) {
    int[] strides = shape.strides();
    int[] position = new int[strides.length];
    for (int axis = 0; axis < strides.length; axis++) {
      position[axis] = index / strides[axis];
      index -= position[axis] * strides[axis];
    }
    return position;
  }
}
