package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.NewtonExample;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bytegrad newton}: the Hessian-free Newton example against gradient descent. */
@Command(name = "newton", mixinStandardHelpOptions = true,
    description = "Trains logistic regression (digit 3 vs 5, L2) by Hessian-free Newton and by gradient descent, "
        + "and compares the iterations each needs.")
final class NewtonCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--max-gradient-steps", paramLabel = "N", defaultValue = "20000", description = "cap on gradient descent (default: ${DEFAULT-VALUE})")
  private int maxGradientSteps;

  @Option(names = {"--lr", "--learning-rate"}, paramLabel = "RATE", defaultValue = "0.5", description = "gradient descent's step size (default: ${DEFAULT-VALUE})")
  private double rate;

  @Option(names = "--json", description = "end the output with a one-line JSON summary")
  private boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    NewtonExample.Result result = NewtonExample.run(maxGradientSteps, rate);
    var losses = result.newton().losses();
    for (int i = 0; i < losses.size(); i++) {
      out.printf("newton step %d  loss %.12f%n", i, losses.get(i));
    }
    out.printf("newton: %d steps, %d Hessian-vector products, final loss %.12f, gradient norm %.2e%n",
        result.newton().newtonSteps(), result.newton().hessianVectorProducts(), result.newton().finalLoss(),
        result.newton().gradientNorm());
    out.printf("gradient descent (step %g): %s after %d steps, loss %.12f%n", rate,
        result.gradientReached() ? "reached Newton's loss" : "did not reach Newton's loss", result.gradientSteps(),
        result.gradientLoss());
    out.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("newton_steps", result.newton().newtonSteps());
      summary.put("hessian_vector_products", result.newton().hessianVectorProducts());
      summary.put("newton_loss", result.newton().finalLoss());
      summary.put("gradient_steps", result.gradientSteps());
      summary.put("gradient_loss", result.gradientLoss());
      summary.put("gradient_reached", result.gradientReached());
      out.println(Json.object(summary));
    }
    out.flush();
    return 0;
  }
}
