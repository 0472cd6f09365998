package dev.bytegrad.cli;

import dev.bytegrad.cli.train.Plots;
import dev.bytegrad.cli.unsupervised.Patches;
import dev.bytegrad.cli.unsupervised.Whitening;
import dev.bytegrad.cli.zoo.DataSources;
import dev.bytegrad.runtime.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bytegrad pca}: fits PCA, PCA whitening or ZCA whitening to a data set's training examples and
 * writes the transform, with the leading components drawn as images.
 */
@Command(name = "pca", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fits PCA or whitening to a data set and writes the transform (transform.safetensors: y = (x - mean) @ transform).",
        "Data: digits, fashion-mnist, idx:DIR, or patches (8x8 patches of the shipped photograph)."})
final class PcaCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--data", paramLabel = "NAME", defaultValue = "digits", description = "digits (default), fashion-mnist, idx:DIR or patches")
  private String data;

  @Option(names = "--retain", paramLabel = "SHARE", defaultValue = "0.99", description = "share of the variance the kept components hold (default: 0.99)")
  private double retain;

  @Option(names = "--whiten", paramLabel = "KIND", defaultValue = "none", description = "none (PCA), pca (PCA whitening) or zca (default: none)")
  private String whiten;

  @Option(names = "--epsilon", paramLabel = "E", defaultValue = "1e-5", description = "added to each eigenvalue before whitening (default: 1e-5)")
  private double epsilon;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "where to write transform.safetensors, summary.json and components.png")
  private Path out;

  @Option(names = "--json", description = "end the output with a one-line JSON summary")
  private boolean json;

  @Override
  public Integer call() throws IOException {
    Whitening.Kind kind;
    try {
      kind = Whitening.Kind.named(whiten);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Tensor x;
    try {
      x = data.equals("patches") ? Patches.removeMean(Patches.sample(Patches.camera(), 1, 512, 512, 8, 10_000, 1))
          : DataSources.load(data, 0, 1).train().features();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Whitening transform;
    try {
      transform = Whitening.fit(x, retain, kind, epsilon);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Files.createDirectories(out);
    transform.save(out.resolve("transform.safetensors"));
    int n = x.shape().dim(1);
    int side = (int) Math.round(Math.sqrt(n));
    if (side * side == n) {
      int shown = Math.min(64, transform.components());
      double[][] components = new double[shown][n];
      for (int c = 0; c < shown; c++) {
        for (int r = 0; r < n; r++) {
          components[c][r] = transform.basis().get(r, c);
        }
      }
      Plots.patches(out.resolve("components.png"), components, side, side <= 8 ? 6 : 2);
    }
    double[][] covariance = Whitening.covariance(transform.apply(x));
    double worst = 0;
    for (int a = 0; a < covariance.length; a++) {
      for (int b = 0; b < covariance.length; b++) {
        worst = Math.max(worst, Math.abs(covariance[a][b] - (a == b ? 1 : 0)));
      }
    }
    PrintWriter output = spec.commandLine().getOut();
    output.printf(Locale.ROOT, "%s on %s (%d examples of %d values): %s%n", kind == Whitening.Kind.PCA ? "PCA" : "whitening",
        data, x.shape().dim(0), n, transform);
    if (kind != Whitening.Kind.PCA) {
      output.printf(Locale.ROOT, "covariance of the whitened examples: largest difference from the identity %.3g%n", worst);
    }
    output.printf("wrote %s%n", out.resolve("transform.safetensors"));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("data", data);
    summary.put("whiten", kind.flag());
    summary.put("inputs", n);
    summary.put("components", transform.components());
    summary.put("retained_variance", transform.retainedVariance());
    summary.put("epsilon", epsilon);
    summary.put("whitened_covariance_max_error", kind == Whitening.Kind.PCA ? null : worst);
    Files.writeString(out.resolve("summary.json"), Json.value(summary) + "\n");
    if (json) {
      output.println(Json.object(summary));
    }
    output.flush();
    return 0;
  }
}
