package dev.bytegrad.cli.zoo;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.train.HessianFreeNewton;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The second-order example: L2-regularized logistic regression telling digit 3 from digit 5 (all 365
 * examples in one batch, f64), minimized by Hessian-free Newton and, for comparison, by gradient descent
 * from the same start until it reaches Newton's loss.
 */
public final class NewtonExample {
  /** L2 strength: keeps the optimum finite and the problem strictly convex. */
  public static final double LAMBDA = 1e-3;

  /** Newton's losses and work, and how many gradient steps reach the same loss (or the cap). */
  public record Result(HessianFreeNewton.Result newton, int gradientSteps, double gradientLoss, boolean gradientReached) {}

  private NewtonExample() {}

  /** Runs both; gradient descent takes at most {@code maxGradientSteps} steps of size {@code rate}. */
  public static Result run(int maxGradientSteps, double rate) {
    Dataset data = BuiltinData.digits().filterLabels(label -> label == 3 || label == 5);
    int n = data.size();
    int d = data.exampleShape().size() + 1;
    double[] x = new double[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d - 1; j++) {
        x[i * d + j] = data.features().getDouble(i * (d - 1) + j) / 16;
      }
      x[i * d + d - 1] = 1;
      y[i] = data.targets().ints()[i] == 5 ? 1 : 0;
    }
    Graph g = new Graph();
    Node features = g.input("x", DType.F64, n, d);
    Node labels = g.input("y", DType.F64, n);
    Node theta = g.parameter("theta", Init.zeros(), DType.F64, d);
    Node logits = features.matmul(theta.reshape(d, 1)).reshape(n);
    Node loss = Losses.binaryCrossEntropy(logits, labels).add(Losses.l2(LAMBDA, List.of(theta)));
    Map<Node, Tensor> feeds = new HashMap<>(Map.of(
        features, Tensor.ofDoubles(Shape.of(n, d), x), labels, Tensor.ofDoubles(Shape.of(n), y)));

    feeds.put(theta, Tensor.zeros(DType.F64, Shape.of(d)));
    HessianFreeNewton.Result newton = HessianFreeNewton.minimize(loss, theta, feeds, 50, 1e-9);

    double target = newton.finalLoss();
    Tensor start = Tensor.zeros(DType.F64, Shape.of(d));
    feeds.put(theta, start);
    List<Node> lossAndGradient = List.of(loss, Autodiff.grad(loss, theta));
    Interpreter interpreter = Interpreter.float64();
    double value = Double.NaN;
    int step = 0;
    for (; step < maxGradientSteps; step++) {
      List<Tensor> values = interpreter.evaluate(lossAndGradient, feeds);
      value = values.get(0).getDouble(0);
      if (value <= target + 1e-6 * Math.abs(target)) {
        return new Result(newton, step, value, true);
      }
      double[] gradient = values.get(1).doubles();
      for (int j = 0; j < d; j++) {
        start.doubles()[j] -= rate * gradient[j];
      }
    }
    return new Result(newton, step, value, false);
  }
}
