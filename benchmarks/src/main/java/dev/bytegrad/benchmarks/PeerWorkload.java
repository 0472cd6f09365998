package dev.bytegrad.benchmarks;

import dev.bytegrad.cli.text.CharModel;
import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.Zoo;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The four training steps bytegrad is compared on with other libraries, described so that every
 * implementation starts from the same weights and sees the same batch: bytegrad's own initial
 * parameters (seed 1, by parameter name, in bytegrad's layouts) and a random batch (seed 2). All float32,
 * cross-entropy, SGD with momentum 0.9 and learning rate 0.01.
 *
 * <ul>
 *   <li>{@code SOFTMAX}: softmax regression 784→10, batch 256; {@code output.weight [784, 10]}, {@code output.bias [10]}.
 *   <li>{@code MLP}: 784-256-10 with ReLU, batch 64; {@code hidden.*} and {@code output.*} as above.
 *   <li>{@code LENET}: conv 5x5 1→20, max-pool 2, conv 5x5 20→50, max-pool 2, dense 800→500 ReLU, dense
 *       500→10, batch 64 of 28x28; kernels {@code conv1.weight [20, 1, 5, 5]} and {@code conv2.weight [50, 20, 5, 5]}
 *       (out, in, height, width), the flattened features in NCHW order.
 *   <li>{@code CHAR_LSTM}: vocabulary 65, an LSTM of 128 units, 32 characters for each of 32 streams, the
 *       carried state fed in; {@code embedding.weight [65, 512]} is the input projection (one-hot input times
 *       it), {@code cell.recurrent [128, 512]} and {@code cell.bias [512]} with gates in the order input,
 *       forget, cell, output and 1 added to the forget gate's bias inside the model, then {@code output.*}.
 * </ul>
 */
public enum PeerWorkload {
  SOFTMAX(256, 2L * (256L * 784 * 10 * 2)),
  MLP(64, 2L * ((64L * 784 * 256 + 64L * 256 * 10) + (64L * 784 * 256 + 2L * 64 * 256 * 10))),
  LENET(64, LeNetStepBenchmark.GEMM_FLOPS),
  CHAR_LSTM(RecurrentStepBenchmark.BATCH, 2L * (3L * 32 * 32 * 128 * 512 + 3L * 1024 * 128 * 65));

  public static final float LEARNING_RATE = 0.01f;
  public static final float MOMENTUM = 0.9f;

  /** Examples (or character streams) in a batch. */
  public final int batch;
  /** Floating-point operations of one step's matrix products (2 per multiply-add), the figure GFLOP/s is computed from. */
  public final long gemmFlops;

  PeerWorkload(int batch, long gemmFlops) {
    this.batch = batch;
    this.gemmFlops = gemmFlops;
  }

  /** The initial parameters by name, as bytegrad initializes them with seed 1. */
  public Map<String, Tensor> parameters() {
    Graph graph = switch (this) {
      case SOFTMAX -> Workload.SOFTMAX.graph();
      case MLP -> Workload.MLP.graph();
      case LENET -> Functions.inference(Zoo.get("lenet"), new Data.Dims(784, 10), batch).graph();
      case CHAR_LSTM -> charLstm().build(batch, RecurrentStepBenchmark.LENGTH).graph();
    };
    Parameters values = Parameters.initialize(graph, 1);
    Map<String, Tensor> named = new LinkedHashMap<>();
    for (var node : graph.parameters()) {
      String name = ((Parameter) node.op()).name();
      named.put(name, values.get(name));
    }
    return named;
  }

  /**
   * The batch (seed 2): for the classifiers, features {@code [batch, 784]} uniform in [0, 1) and labels
   * {@code [batch]}; for the language model, tokens and targets {@code [32, batch]} (time first).
   */
  public Tensor[] data() {
    SplittableRandom random = new SplittableRandom(2);
    if (this == CHAR_LSTM) {
      Tensor tokens = Tensor.zeros(DType.I32, Shape.of(RecurrentStepBenchmark.LENGTH, batch));
      Tensor targets = Tensor.zeros(DType.I32, Shape.of(RecurrentStepBenchmark.LENGTH, batch));
      for (int i = 0; i < tokens.size(); i++) {
        tokens.ints()[i] = random.nextInt(RecurrentStepBenchmark.VOCABULARY);
        targets.ints()[i] = random.nextInt(RecurrentStepBenchmark.VOCABULARY);
      }
      return new Tensor[] {tokens, targets};
    }
    Tensor x = Tensor.zeros(DType.F32, Shape.of(batch, 784));
    Tensor y = Tensor.zeros(DType.I32, Shape.of(batch));
    for (int i = 0; i < x.size(); i++) {
      x.floats()[i] = (float) random.nextDouble();
    }
    for (int i = 0; i < batch; i++) {
      y.ints()[i] = random.nextInt(10);
    }
    return new Tensor[] {x, y};
  }

  /**
   * The loss of the first step — on the initial parameters, before any update — as bytegrad computes it
   * (ASM backend). A peer that computes the same model from the same weights on the same batch gets the
   * same figure; {@link #checkFirstLoss} is how the peers' benchmarks make sure they time the same work.
   */
  public double firstLoss() {
    Tensor[] data = data();
    Tensor rate = Tensor.scalar(DType.F32, LEARNING_RATE);
    Tensor loss = Tensor.scalar(DType.F32, 0);
    switch (this) {
      case SOFTMAX, MLP -> {
        Workload.Built built = Workload.valueOf(name()).build(1);
        GraphCompiler.compile("first_step", built.signature(), Backend.ASM).instantiate(built.parameters())
            .run(new Tensor[] {data[0], data[1], rate}, new Tensor[] {loss});
      }
      case LENET -> {
        Functions functions = leNet();
        Tensor[] outputs = functions.newOutputs();
        GraphCompiler.compile("first_step", functions.step(), Backend.ASM)
            .instantiate(functions.bind(Parameters.initialize(functions.graph(), 1))).run(new Tensor[] {data[0], data[1], rate}, outputs);
        loss = outputs[0];
      }
      case CHAR_LSTM -> {
        CharModel model = charLstm();
        CharModel.Function function = model.trainingStep(batch, RecurrentStepBenchmark.LENGTH, new Momentum(MOMENTUM),
            Regularization.NONE, Backend.ASM);
        Parameters values = Parameters.initialize(function.network().graph(), 1);
        int states = model.stateTensors();
        Tensor[] inputs = new Tensor[3 + states];
        Tensor[] outputs = new Tensor[1 + states];
        inputs[0] = data[0];
        inputs[1] = data[1];
        inputs[2 + states] = rate;
        outputs[0] = loss;
        for (int s = 0; s < states; s++) {
          inputs[2 + s] = Tensor.zeros(DType.F32, Shape.of(batch, RecurrentStepBenchmark.HIDDEN));
          outputs[1 + s] = Tensor.zeros(DType.F32, Shape.of(batch, RecurrentStepBenchmark.HIDDEN));
        }
        function.compiled().instantiate(function.parameters().stream()
            .map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new)).run(inputs, outputs);
      }
    }
    return loss.floats()[0];
  }

  /**
   * Fails unless {@code peerLoss}, a peer's loss on its first step, equals bytegrad's {@link #firstLoss}
   * to 1e-4 relative: a different model, layout or batch would not.
   */
  public void checkFirstLoss(String peer, double peerLoss) {
    double ours = firstLoss();
    if (!(Math.abs(peerLoss - ours) <= 1e-4 * Math.abs(ours))) {
      throw new IllegalStateException(String.format(
          "%s computes a different %s step: its first loss is %.7f, bytegrad's %.7f from the same weights and batch",
          peer, this, peerLoss, ours));
    }
  }

  /** A matrix {@code [rows, columns]} transposed, as the libraries that store dense weights {@code [out, in]} take them. */
  public static float[] transposed(Tensor matrix) {
    int rows = matrix.shape().dim(0);
    int columns = matrix.shape().dim(1);
    float[] in = matrix.floats();
    float[] out = new float[in.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        out[c * rows + r] = in[r * columns + c];
      }
    }
    return out;
  }

  /** Convolution kernels {@code [out, in, h, w]} (bytegrad's) as {@code [h, w, in, out]} (TensorFlow's HWIO, SameDiff's YXIO). */
  public static float[] hwio(Tensor kernel) {
    int out = kernel.shape().dim(0);
    int in = kernel.shape().dim(1);
    int window = kernel.shape().dim(2) * kernel.shape().dim(3);
    float[] oihw = kernel.floats();
    float[] hwio = new float[oihw.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int k = 0; k < window; k++) {
          hwio[(k * in + i) * out + o] = oihw[(o * in + i) * window + k];
        }
      }
    }
    return hwio;
  }

  static Functions leNet() {
    return Functions.trainingStep(Zoo.get("lenet"), new Data.Dims(784, 10), 64, new Momentum(MOMENTUM), Regularization.NONE);
  }

  static CharModel charLstm() {
    return new CharModel(CharModel.Kind.named("char-lstm"), RecurrentStepBenchmark.VOCABULARY, RecurrentStepBenchmark.HIDDEN);
  }
}
