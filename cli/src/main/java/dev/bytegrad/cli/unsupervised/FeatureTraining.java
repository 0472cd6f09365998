package dev.bytegrad.cli.unsupervised;

import dev.bytegrad.cli.Json;
import dev.bytegrad.cli.train.Plots;
import dev.bytegrad.cli.zoo.BuiltinData;
import dev.bytegrad.cli.zoo.DataSources;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.nn.FeatureLearning;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import dev.bytegrad.runtime.io.SafeTensors;
import dev.bytegrad.runtime.train.Lbfgs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Unsupervised feature learning from the command line ({@code train --model sparse-autoencoder},
 * {@code sparse-coding}, {@code rica}, {@code self-taught}): each objective of {@link FeatureLearning}
 * compiled with its gradient and minimized by full-batch L-BFGS, the learned features drawn as a grid of
 * patches ({@code features.png}), the parameters and a summary written to the run directory.
 */
public final class FeatureTraining {
  /** The models, by command-line name. */
  public static final List<String> MODELS = List.of("sparse-autoencoder", "sparse-coding", "rica", "self-taught");

  /**
   * Settings; {@code iterations} counts L-BFGS iterations (for sparse coding, alternation rounds).
   * {@code data}: {@code patches} (of the shipped photograph) or {@code fashion-mnist} (patches of its
   * images) for the feature models; {@code digits} or {@code fashion-mnist} for self-taught learning.
   * {@code linearDecoder}: the sparse autoencoder's output layer is linear, and it learns from
   * ZCA-whitened patches instead of patches squashed into [0.1, 0.9].
   */
  public record Options(String model, int features, int iterations, int patches, int side, long seed, Backend backend, String data,
      boolean linearDecoder) {
    /** Options on the model's own data: the photograph's patches, or the digits for self-taught learning. */
    public Options(String model, int features, int iterations, int patches, int side, long seed, Backend backend) {
      this(model, features, iterations, patches, side, seed, backend, model.equals("self-taught") ? "digits" : "patches", false);
    }
  }

  /** What a run reports: named figures, in order. */
  public record Result(Map<String, Object> figures) {}

  private final Options options;
  private final Path directory;
  private final PrintWriter out;

  public FeatureTraining(Options options, Path directory, PrintWriter out) {
    if (!MODELS.contains(options.model())) {
      throw new IllegalArgumentException("unknown feature model '" + options.model() + "'; choose one of " + String.join(", ", MODELS));
    }
    this.options = options;
    this.directory = directory;
    this.out = out;
    if (directory != null) {
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the run directory " + directory + ": " + e.getMessage(), e);
      }
    }
  }

  public static boolean isFeatureModel(String name) {
    return name != null && MODELS.contains(name);
  }

  public Result run() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("model", options.model());
    long start = System.nanoTime();
    switch (options.model()) {
      case "sparse-autoencoder" -> sparseAutoencoder(figures);
      case "sparse-coding" -> sparseCoding(figures);
      case "rica" -> rica(figures);
      default -> selfTaught(figures);
    }
    figures.put("seconds", (System.nanoTime() - start) / 1e9);
    if (directory != null) {
      write("summary.json", Json.value(figures) + "\n");
    }
    return new Result(figures);
  }

  /** Patches of the photograph, or of Fashion-MNIST's training images. */
  private Tensor naturalPatches() {
    if (options.data().equals("fashion-mnist")) {
      Tensor images = DataSources.load("fashion-mnist", 0, options.seed()).train().features();
      return Patches.sample(images, 28, 28, options.side(), options.patches(), options.seed());
    }
    return Patches.sample(Patches.camera(), 1, 512, 512, options.side(), options.patches(), options.seed());
  }

  /** Patches without their means, ZCA-whitened with {@code epsilon}: the input of RICA, sparse coding and the linear decoder. */
  private Tensor whitenedPatches(double epsilon) {
    Tensor raw = Patches.removeMean(naturalPatches());
    return Whitening.fit(raw, 1, Whitening.Kind.ZCA, epsilon).apply(raw);
  }

  private Lbfgs.Progress progress(String what) {
    return (iteration, value, norm, step) -> {
      if (iteration % 50 == 0) {
        out.printf(Locale.ROOT, "%s: iteration %d, loss %.6f, gradient norm %.3g%n", what, iteration, value, norm);
        out.flush();
      }
    };
  }

  // ---- sparse autoencoder on natural image patches ----

  private void sparseAutoencoder(Map<String, Object> figures) {
    boolean linear = options.linearDecoder();
    Tensor x = linear ? whitenedPatches(0.1) : Patches.normalizeForSigmoid(naturalPatches());
    // the linear decoder (UFLDL's exercise on whitened patches): rho 0.035, lambda 3e-3, beta 5
    FeatureLearning.SparseAutoencoder settings = linear
        ? new FeatureLearning.SparseAutoencoder(options.features(), 3e-3, 0.035, 5, true)
        : new FeatureLearning.SparseAutoencoder(options.features(), 1e-4, 0.01, 3, false);
    Graph graph = new Graph();
    Node input = graph.input("x", x.shape().dims());
    FeatureLearning.Autoencoder ae = FeatureLearning.sparseAutoencoder(input, "ae", settings);
    Parameters values = Parameters.initialize(graph, options.seed());
    Minimizer minimizer = new Minimizer("sparse_autoencoder", ae.loss(), List.of(input), graph.parameters(), values, options.backend());
    figures.put("initial_loss", minimizer.loss(new Tensor[] {x}));
    Lbfgs.Result result = minimizer.minimize(new Tensor[] {x}, options.iterations(), progress("sparse autoencoder"));
    double[] average = dev.bytegrad.graph.Interpreter.declared().evaluate(ae.averageActivation(),
        Map.of(input, x, graph.leaf("ae.encoder").orElseThrow(), values.get("ae.encoder"),
            graph.leaf("ae.encoder_bias").orElseThrow(), values.get("ae.encoder_bias"))).toDoubleArray();
    double mean = java.util.Arrays.stream(average).average().orElse(0);
    figures.put("patches", x.shape().dim(0));
    figures.put("hidden", options.features());
    figures.put("final_loss", result.value());
    figures.put("iterations", result.iterations());
    figures.put("sparsity_target", settings.sparsity());
    figures.put("mean_activation", mean);
    figures.put("decoder", linear ? "linear" : "sigmoid");
    figures.put("data", options.data());
    out.printf(Locale.ROOT, "sparse autoencoder: loss %.6f after %d iterations; mean hidden activation %.4f (target %.3f)%n",
        result.value(), result.iterations(), mean, settings.sparsity());
    save(values, "features.png", columns(values.get("ae.encoder")));
  }

  // ---- sparse coding on whitened natural image patches ----

  private void sparseCoding(Map<String, Object> figures) {
    Tensor x = whitenedPatches(0.01);
    int m = x.shape().dim(0);
    int n = x.shape().dim(1);
    int k = options.features();
    Graph graph = new Graph();
    Node input = graph.input("x", m, n);
    Node basis = graph.parameter("basis", Init.normal(0, 0.1), n, k);
    Node codes = graph.parameter("codes", Init.normal(0, 0.1), m, k);
    // per example, the L1 weight against the squared error; with whitened patches of unit variance per pixel,
    // 1.0 leaves about 95% of the codes at zero and the basis edge-like (0.3: 63% and noisy bases)
    double lambda = 1.0;
    Node loss = FeatureLearning.sparseCoding(input, basis, codes, lambda, 1e-5, 0.1);
    Parameters values = Parameters.initialize(graph, options.seed());
    Minimizer codeStep = new Minimizer("sparse_coding_codes", loss, List.of(input), List.of(codes), values, options.backend());
    Minimizer basisStep = new Minimizer("sparse_coding_basis", loss, List.of(input), List.of(basis), values, options.backend());
    Tensor[] inputs = {x};
    figures.put("initial_loss", codeStep.loss(inputs));
    double value = 0;
    for (int round = 1; round <= options.iterations(); round++) {
      codeStep.minimize(inputs, 20, Lbfgs.Progress.NONE);
      value = basisStep.minimize(inputs, 20, Lbfgs.Progress.NONE).value();
      if (round % 5 == 0 || round == options.iterations()) {
        out.printf(Locale.ROOT, "sparse coding: round %d, loss %.6f%n", round, value);
        out.flush();
      }
    }
    double[] s = values.get("codes").toDoubleArray();
    long small = java.util.Arrays.stream(s).filter(v -> Math.abs(v) < 1e-2).count();
    figures.put("patches", m);
    figures.put("features", k);
    figures.put("final_loss", value);
    figures.put("rounds", options.iterations());
    figures.put("share_of_codes_near_zero", (double) small / s.length);
    out.printf(Locale.ROOT, "sparse coding: loss %.6f after %d rounds; %.1f%% of the codes within 0.01 of 0%n", value,
        options.iterations(), 100.0 * small / s.length);
    save(values, "features.png", columns(values.get("basis")));
  }

  // ---- RICA on whitened natural image patches ----

  private void rica(Map<String, Object> figures) {
    Tensor x = whitenedPatches(0.01);
    Graph graph = new Graph();
    Node input = graph.input("x", x.shape().dims());
    Node w = graph.parameter("filters", Init.normal(0, 0.1), options.features(), x.shape().dim(1));
    Node loss = FeatureLearning.rica(input, w, 0.1, 1e-2);
    Parameters values = Parameters.initialize(graph, options.seed());
    Minimizer minimizer = new Minimizer("rica", loss, List.of(input), List.of(w), values, options.backend());
    figures.put("initial_loss", minimizer.loss(new Tensor[] {x}));
    Lbfgs.Result result = minimizer.minimize(new Tensor[] {x}, options.iterations(), progress("rica"));
    figures.put("patches", x.shape().dim(0));
    figures.put("features", options.features());
    figures.put("final_loss", result.value());
    figures.put("iterations", result.iterations());
    out.printf(Locale.ROOT, "rica: loss %.6f after %d iterations%n", result.value(), result.iterations());
    save(values, "features.png", rows(values.get("filters")));
  }

  // ---- self-taught learning on the digits ----

  private void selfTaught(Map<String, Object> figures) {
    // unlabeled: every example of classes 5-9; labeled: a few of classes 0-4; test: other examples of 0-4
    boolean fashion = options.data().equals("fashion-mnist");
    Dataset source = fashion ? DataSources.load("fashion-mnist", 0, options.seed()).train() : BuiltinData.digits();
    Dataset heldOut = fashion ? DataSources.load("fashion-mnist", 0, options.seed()).test() : null;
    double scale = fashion ? 1 : 1 / 16.0;
    int total = source.targets().size();
    List<Integer> unlabeled = new ArrayList<>();
    List<Integer> labeled = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      (source.targets().ints()[i] >= 5 ? unlabeled : labeled).add(i);
    }
    java.util.Collections.shuffle(unlabeled, new java.util.Random(options.seed()));
    java.util.Collections.shuffle(labeled, new java.util.Random(options.seed()));
    if (fashion) {
      unlabeled = unlabeled.subList(0, Math.min(10_000, unlabeled.size()));
    }
    int trainCount = Math.min(options.patches(), labeled.size() / 2);
    List<Integer> testRows = new ArrayList<>();
    Dataset testSource = fashion ? heldOut : source;
    if (fashion) {
      for (int i = 0; i < heldOut.targets().size(); i++) {
        if (heldOut.targets().ints()[i] < 5) {
          testRows.add(i);
        }
      }
    } else {
      testRows.addAll(labeled.subList(labeled.size() / 2, labeled.size()));
    }
    Tensor unlabeledX = rows(source.features(), unlabeled, scale);
    Tensor trainX = rows(source.features(), labeled.subList(0, trainCount), scale);
    Tensor testX = rows(testSource.features(), testRows, scale);
    Tensor trainY = labels(source.targets(), labeled.subList(0, trainCount));
    Tensor testY = labels(testSource.targets(), testRows);
    // features learned on the digits 5-9, without their labels
    // weight decay 1e-4: of 3e-3, 1e-3, 3e-4, 1e-4 and 1e-5 the best on the digits' features (see the issue note)
    FeatureLearning.SparseAutoencoder settings = new FeatureLearning.SparseAutoencoder(options.features(), 1e-4, 0.1, 3, false);
    Graph graph = new Graph();
    Node input = graph.input("x", unlabeledX.shape().dims());
    FeatureLearning.Autoencoder ae = FeatureLearning.sparseAutoencoder(input, "ae", settings);
    Parameters values = Parameters.initialize(graph, options.seed());
    Minimizer minimizer = new Minimizer("self_taught_autoencoder", ae.loss(), List.of(input), graph.parameters(), values, options.backend());
    Lbfgs.Result result = minimizer.minimize(new Tensor[] {unlabeledX}, options.iterations(), progress("sparse autoencoder on digits 5-9"));
    Tensor trainFeatures = encode(trainX, values);
    Tensor testFeatures = encode(testX, values);
    double raw = softmax(trainX, trainY, testX, testY).accuracy();
    Softmax onFeatures = softmax(trainFeatures, trainY, testFeatures, testY);
    double learned = onFeatures.accuracy();
    double fineTuned = fineTuned(trainX, trainY, testX, testY, values, onFeatures);
    figures.put("unlabeled_examples", unlabeled.size());
    figures.put("labeled_training_examples", trainCount);
    figures.put("test_examples", testY.size());
    figures.put("autoencoder_loss", result.value());
    figures.put("raw_pixels_test_accuracy", raw);
    figures.put("self_taught_test_accuracy", learned);
    figures.put("fine_tuned_test_accuracy", fineTuned);
    out.printf(Locale.ROOT, "self-taught on %s: sparse autoencoder (%d units) on %d unlabeled examples of classes 5-9, loss %.5f;"
        + " softmax on %d labeled examples of classes 0-4: test accuracy %.4f on the learned features, %.4f on raw pixels"
        + " (%d test examples)%n", options.data(), options.features(), unlabeled.size(), result.value(), trainCount, learned, raw,
        testY.size());
    out.printf(Locale.ROOT, "fine-tuned: the encoder and the softmax trained together on the labeled examples, from the"
        + " features' weights: test accuracy %.4f%n", fineTuned);
    save(values, "features.png", columns(values.get("ae.encoder")));
  }

  /** Hidden activations σ(x W1 + b1) of the trained autoencoder. */
  private static Tensor encode(Tensor x, Parameters values) {
    return encode(x, values.get("ae.encoder"), values.get("ae.encoder_bias"));
  }

  private static Tensor encode(Tensor x, Tensor weight, Tensor bias) {
    Graph graph = new Graph();
    Node input = graph.input("x", x.shape().dims());
    Node w = graph.input("w", weight.shape().dims());
    Node b = graph.input("b", bias.shape().dims());
    Node hidden = input.matmul(w).add(b).sigmoid();
    return dev.bytegrad.graph.Interpreter.declared().evaluate(hidden, Map.of(input, x, w, weight, b, bias));
  }

  /** A trained softmax regression: its test accuracy and weights. */
  private record Softmax(double accuracy, Tensor w, Tensor b) {}

  /**
   * Fine-tuning (a stacked autoencoder's last stage): the encoder {@code σ(x W1 + b1)} and the softmax on
   * it trained together on the labeled examples (L2 1e-4 on both weights, L-BFGS, 200 iterations),
   * starting from the autoencoder's encoder and the softmax trained on its features. The test accuracy.
   */
  private double fineTuned(Tensor x, Tensor y, Tensor testX, Tensor testY, Parameters autoencoder, Softmax start) {
    Graph graph = new Graph();
    Node input = graph.input("x", x.shape().dims());
    Node labels = graph.input("y", DType.I32, y.shape().dims());
    Node w1 = graph.parameter("w1", Init.zeros(), autoencoder.get("ae.encoder").shape().dims());
    Node b1 = graph.parameter("b1", Init.zeros(), autoencoder.get("ae.encoder_bias").shape().dims());
    Node w2 = graph.parameter("w2", Init.zeros(), start.w().shape().dims());
    Node b2 = graph.parameter("b2", Init.zeros(), start.b().shape().dims());
    Node loss = Losses.crossEntropy(input.matmul(w1).add(b1).sigmoid().matmul(w2).add(b2), labels).add(Losses.l2(1e-4, List.of(w1, w2)));
    Parameters values = Parameters.initialize(graph, options.seed());
    values.put("w1", autoencoder.get("ae.encoder").copy());
    values.put("b1", autoencoder.get("ae.encoder_bias").copy());
    values.put("w2", start.w().copy());
    values.put("b2", start.b().copy());
    new Minimizer("fine_tuning", loss, List.of(input, labels), List.of(w1, b1, w2, b2), values, options.backend())
        .minimize(new Tensor[] {x, y}, 200, Lbfgs.Progress.NONE);
    Tensor features = encode(testX, values.get("w1"), values.get("b1"));
    return accuracy(features, testY, values.get("w2").floats(), values.get("b2").floats(), start.w().shape().dim(1));
  }

  /** Softmax regression (L2 1e-4, L-BFGS, 200 iterations) trained on {@code x, y}, scored on the test examples. */
  private Softmax softmax(Tensor x, Tensor y, Tensor testX, Tensor testY) {
    int classes = 10;
    Graph graph = new Graph();
    Node input = graph.input("x", x.shape().dims());
    Node labels = graph.input("y", DType.I32, y.shape().dims());
    Node w = graph.parameter("w", Init.zeros(), x.shape().dim(1), classes);
    Node b = graph.parameter("b", Init.zeros(), classes);
    Node loss = Losses.crossEntropy(input.matmul(w).add(b), labels).add(Losses.l2(1e-4, List.of(w)));
    Parameters values = Parameters.initialize(graph, options.seed());
    new Minimizer("softmax", loss, List.of(input, labels), List.of(w, b), values, options.backend())
        .minimize(new Tensor[] {x, y}, 200, Lbfgs.Progress.NONE);
    return new Softmax(accuracy(testX, testY, values.get("w").floats(), values.get("b").floats(), classes), values.get("w"),
        values.get("b"));
  }

  /** The share of {@code testX}'s rows whose largest score {@code x w + b} is at their label. */
  private static double accuracy(Tensor testX, Tensor testY, float[] wv, float[] bv, int classes) {
    int n = testX.shape().dim(0);
    int d = testX.shape().dim(1);
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double score = bv[c];
        for (int j = 0; j < d; j++) {
          score += testX.floats()[i * d + j] * wv[j * classes + c];
        }
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      correct += best == testY.ints()[i] ? 1 : 0;
    }
    return (double) correct / n;
  }

  private static Tensor rows(Tensor features, List<Integer> indices, double scale) {
    int d = features.shape().dim(1);
    float[] out = new float[indices.size() * d];
    for (int r = 0; r < indices.size(); r++) {
      for (int j = 0; j < d; j++) {
        out[r * d + j] = (float) (features.floats()[indices.get(r) * d + j] * scale);
      }
    }
    return Tensor.ofFloats(Shape.of(indices.size(), d), out);
  }

  private static Tensor labels(Tensor targets, List<Integer> indices) {
    int[] out = new int[indices.size()];
    for (int r = 0; r < indices.size(); r++) {
      out[r] = targets.ints()[indices.get(r)];
    }
    return Tensor.ofInts(Shape.of(out.length), out);
  }

  /** Columns of {@code w [n, k]} as k patches: each hidden unit's input weights. */
  private static double[][] columns(Tensor w) {
    return patches(w, true);
  }

  /** Rows of {@code w [k, n]} as k patches. */
  private static double[][] rows(Tensor w) {
    return patches(w, false);
  }

  private static double[][] patches(Tensor w, boolean byColumn) {
    int k = w.shape().dim(byColumn ? 1 : 0);
    int n = w.shape().dim(byColumn ? 0 : 1);
    double[][] patches = new double[k][n];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < n; i++) {
        patches[j][i] = w.getDouble(byColumn ? i * k + j : j * n + i);
      }
    }
    return patches;
  }

  private void save(Parameters values, String picture, double[][] features) {
    if (directory == null) {
      return;
    }
    int side = (int) Math.round(Math.sqrt(features[0].length));
    Plots.patches(directory.resolve(picture), features, side, 6);
    try {
      SafeTensors.write(directory.resolve("parameters.safetensors"), values.asMap(), Map.of("model", options.model()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the parameters into " + directory + ": " + e.getMessage(), e);
    }
  }

  private void write(String name, String text) {
    try {
      Files.writeString(directory.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory.resolve(name) + ": " + e.getMessage(), e);
    }
  }
}
