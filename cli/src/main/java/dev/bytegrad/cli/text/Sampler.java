package dev.bytegrad.cli.text;

import dev.bytegrad.codegen.Backend;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates text from a trained character model: the compiled model reads one character at a time,
 * and the next character is drawn from {@code softmax(logits / temperature)} with a seeded generator,
 * so a seed always gives the same text.
 */
public final class Sampler {
  private final CharModel model;
  private final String vocabulary;
  private final CompiledFunction step;
  private final Tensor token = Tensor.zeros(DType.I32, Shape.of(1, 1));
  private final Tensor logits;
  private Tensor[] state;
  private Tensor[] next;
  /** The argument arrays of each call, reused. */
  private Tensor[] inputs = new Tensor[0];
  private Tensor[] outputs = new Tensor[0];

  private Sampler(CharModel model, String vocabulary, CompiledFunction step) {
    this.model = model;
    this.vocabulary = vocabulary;
    this.step = step;
    this.logits = Tensor.zeros(DType.F32, Shape.of(1, 1, model.vocabulary()));
  }

  /** A sampler of the model in the checkpoint {@code file}, compiled with {@code backend}. */
  public static Sampler load(Path file, Backend backend) throws IOException {
    Map<String, String> metadata = SafeTensors.header(file).metadata();
    String vocabulary = metadata.get("vocabulary");
    String hidden = metadata.get("hidden");
    if (vocabulary == null || hidden == null) {
      throw new IllegalArgumentException(file + " lacks the vocabulary or the hidden size of its model");
    }
    CharModel model = new CharModel(CharModel.Kind.named(metadata.get("model")),
        vocabulary.codePointCount(0, vocabulary.length()), Integer.parseInt(hidden));
    CharModel.Function function = model.sampler(1, backend);
    Parameters parameters = Parameters.initialize(function.network().graph(), 0);
    SafeTensors.load(file, parameters.asMap(), true);
    return new Sampler(model, vocabulary, function.compiled().instantiate(LanguageModelTrainer.bind(function, parameters)));
  }

  /** {@code length} characters continuing {@code prime} (read first, from the zero state). */
  public String sample(String prime, int length, double temperature, long seed) {
    int[] primed = Corpus.encode(vocabulary, prime);
    state = new Tensor[model.stateTensors()];
    next = new Tensor[model.stateTensors()];
    for (int i = 0; i < state.length; i++) {
      state[i] = Tensor.zeros(DType.F32, Shape.of(1, model.hidden()));
      next[i] = Tensor.zeros(DType.F32, Shape.of(1, model.hidden()));
    }
    int[] points = vocabulary.codePoints().toArray();
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    boolean fed = false;
    for (int id : primed) {
      feed(id);
      fed = true;
    }
    if (!fed) {
      // with nothing read, start from the most common way a line starts: after a newline if there is one
      int newline = java.util.Arrays.binarySearch(points, '\n');
      feed(newline >= 0 ? newline : 0);
    }
    for (int i = 0; i < length; i++) {
      int id = draw(random, temperature);
      text.appendCodePoint(points[id]);
      feed(id);
    }
    return text.toString();
  }

  private void feed(int id) {
    token.ints()[0] = id;
    if (inputs.length != 1 + state.length) {
      inputs = new Tensor[1 + state.length];
      outputs = new Tensor[1 + state.length];
    }
    inputs[0] = token;
    outputs[0] = logits;
    System.arraycopy(state, 0, inputs, 1, state.length);
    System.arraycopy(next, 0, outputs, 1, state.length);
    step.run(inputs, outputs);
    Tensor[] swap = state;
    state = next;
    next = swap;
  }

  /** A draw from softmax(logits / temperature), computed in double precision. */
  private int draw(SplittableRandom random, double temperature) {
    float[] z = logits.floats();
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v / temperature);
    }
    double[] p = new double[z.length];
    double total = 0;
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.exp(z[k] / temperature - max);
      total += p[k];
    }
    double u = random.nextDouble() * total;
    for (int k = 0; k < z.length; k++) {
      u -= p[k];
      if (u < 0) {
        return k;
      }
    }
    return z.length - 1;
  }
}
