package dev.bytegrad.peers.tensorflow;

import dev.bytegrad.benchmarks.PeerWorkload;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Momentum;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One training step of each {@link PeerWorkload} in TensorFlow Java 1.1.0, as its users write one: a graph
 * built with {@link Ops}, gradients and the update from the framework's {@link Momentum} optimizer
 * ({@code minimize}), one {@code Session.run} a step feeding the batch and fetching the loss. The
 * convolutions run in NHWC, the layout TensorFlow's CPU kernels take, so the kernels are bytegrad's
 * transposed to HWIO and the dense layer's rows permuted to match; the LSTM is unrolled over its 32 steps
 * from the basic ops. Intra- and inter-op thread pools have {@code threads} threads.
 *
 * <pre>java -jar benchmarks/peers/tensorflow/target/peer-tensorflow.jar -p threads=1</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TensorFlowStepBenchmark {
  static final int VOCABULARY = 65;
  static final int HIDDEN = 128;

  @Param({"SOFTMAX", "MLP", "LENET", "CHAR_LSTM"})
  public PeerWorkload workload;

  @Param({"1", "2"})
  public int threads;

  private Graph graph;
  private Session session;
  private final List<Placeholder<?>> placeholders = new ArrayList<>();
  private final List<org.tensorflow.Tensor> feeds = new ArrayList<>();
  private Operand<TFloat32> loss;
  private Op minimize;

  @Setup(Level.Trial)
  public void setUp() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    Map<String, Tensor> weights = workload.parameters();
    Tensor[] data = workload.data();
    int n = workload.batch;
    Operand<TFloat32> logits;
    Operand<TInt32> labels;
    if (workload == PeerWorkload.CHAR_LSTM) {
      int length = data[0].shape().dim(0);
      Operand<TInt32> tokens = feed(tf, TInt32.tensorOf(Shape.of(length, n), DataBuffers.of(data[0].ints(), true, false)));
      labels = tf.reshape(feed(tf, TInt32.tensorOf(Shape.of(length, n), DataBuffers.of(data[1].ints(), true, false))),
          tf.constant(new int[] {-1}));
      // the carried state, zeros (TFloat32.tensorOf(shape) leaves its memory as it finds it)
      Operand<TFloat32> h = feed(tf, TFloat32.tensorOf(Shape.of(n, HIDDEN), DataBuffers.of(new float[n * HIDDEN], true, false)));
      Operand<TFloat32> c = feed(tf, TFloat32.tensorOf(Shape.of(n, HIDDEN), DataBuffers.of(new float[n * HIDDEN], true, false)));
      Operand<TFloat32> oneHot = tf.reshape(tf.oneHot(tokens, tf.constant(VOCABULARY), tf.constant(1f), tf.constant(0f)),
          tf.constant(new int[] {length * n, VOCABULARY}));
      float[] bias = weights.get("cell.bias").floats().clone();
      for (int j = HIDDEN; j < 2 * HIDDEN; j++) {
        bias[j] += 1;  // bytegrad's LSTM layer adds 1 to the forget gate's bias inside the model
      }
      Operand<TFloat32> projected = tf.reshape(tf.linalg.matMul(oneHot, variable(tf, weights.get("embedding.weight"))),
          tf.constant(new int[] {length, n, 4 * HIDDEN}));
      Operand<TFloat32> recurrent = variable(tf, weights.get("cell.recurrent"));
      Operand<TFloat32> b = tf.variable(tf.constant(Shape.of(4 * HIDDEN), DataBuffers.of(bias, true, false)));
      List<Operand<TFloat32>> states = new ArrayList<>();
      for (Operand<TFloat32> x : tf.unstack(projected, (long) length).output()) {
        var gates = tf.split(tf.constant(1), tf.math.add(tf.math.add(x, tf.linalg.matMul(h, recurrent)), b), 4L).output();
        c = tf.math.add(tf.math.mul(tf.math.sigmoid(gates.get(1)), c), tf.math.mul(tf.math.sigmoid(gates.get(0)), tf.math.tanh(gates.get(2))));
        h = tf.math.mul(tf.math.sigmoid(gates.get(3)), tf.math.tanh(c));
        states.add(h);
      }
      Operand<TFloat32> flat = tf.reshape(tf.stack(states), tf.constant(new int[] {length * n, HIDDEN}));
      logits = dense(tf, flat, weights, "output");
    } else {
      Operand<TFloat32> x = feed(tf, TFloat32.tensorOf(Shape.of(n, 784), DataBuffers.of(data[0].floats(), true, false)));
      labels = feed(tf, TInt32.tensorOf(Shape.of(n), DataBuffers.of(data[1].ints(), true, false)));
      logits = switch (workload) {
        case SOFTMAX -> dense(tf, x, weights, "output");
        case MLP -> dense(tf, tf.nn.relu(dense(tf, x, weights, "hidden")), weights, "output");
        default -> {
          Operand<TFloat32> images = tf.reshape(x, tf.constant(new int[] {n, 28, 28, 1}));
          Operand<TFloat32> pooled = pool(tf, convolution(tf, pool(tf, convolution(tf, images, weights, "conv1")), weights, "conv2"));
          Tensor dense = weights.get("dense.weight");
          Operand<TFloat32> w = tf.variable(tf.constant(Shape.of(800, 500), DataBuffers.of(nhwcRows(dense), true, false)));
          Operand<TFloat32> hidden = tf.nn.relu(tf.nn.biasAdd(tf.linalg.matMul(tf.reshape(pooled, tf.constant(new int[] {n, 800})), w),
              tf.variable(tf.constant(weights.get("dense.bias").floats()))));
          yield dense(tf, hidden, weights, "output");
        }
      };
    }
    // SparseSoftmaxCrossEntropyWithLogits has no gradient in TensorFlow's C++ registry, which TF Java's
    // gradients come from; the dense form on one-hot labels has one
    int classes = workload == PeerWorkload.CHAR_LSTM ? VOCABULARY : 10;
    Operand<TFloat32> oneHotLabels = tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHotLabels).loss(), tf.constant(0));
    minimize = new Momentum(graph, PeerWorkload.LEARNING_RATE, PeerWorkload.MOMENTUM).minimize(loss);
    ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads).build();
    session = new Session(graph, config);
    session.initialize();
    workload.checkFirstLoss("TensorFlow Java", step());
  }

  @Benchmark
  public float step() {
    Session.Runner runner = session.runner();
    for (int i = 0; i < placeholders.size(); i++) {
      runner.feed(placeholders.get(i), feeds.get(i));
    }
    try (Result result = runner.addTarget(minimize).fetch(loss).run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    feeds.forEach(org.tensorflow.Tensor::close);
    session.close();
    graph.close();
  }

  @SuppressWarnings("unchecked")
  private <T extends org.tensorflow.types.family.TType> Operand<T> feed(Ops tf, T value) {
    Placeholder<T> placeholder = tf.placeholder((Class<T>) value.type(), Placeholder.shape(value.shape()));
    placeholders.add(placeholder);
    feeds.add(value);
    return placeholder;
  }

  private static Operand<TFloat32> variable(Ops tf, Tensor value) {
    long[] dims = new long[value.shape().rank()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = value.shape().dim(i);
    }
    return tf.variable(tf.constant(Shape.of(dims), DataBuffers.of(value.floats(), true, false)));
  }

  private static Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, Map<String, Tensor> weights, String name) {
    return tf.nn.biasAdd(tf.linalg.matMul(x, variable(tf, weights.get(name + ".weight"))), variable(tf, weights.get(name + ".bias")));
  }

  /** A 5x5 valid convolution in NHWC with bytegrad's kernel {@code [out, in, 5, 5]} as HWIO. */
  private static Operand<TFloat32> convolution(Ops tf, Operand<TFloat32> x, Map<String, Tensor> weights, String name) {
    Tensor kernel = weights.get(name + ".weight");
    int out = kernel.shape().dim(0);
    int in = kernel.shape().dim(1);
    float[] hwio = PeerWorkload.hwio(kernel);
    Operand<TFloat32> filter = tf.variable(tf.constant(Shape.of(5, 5, in, out), DataBuffers.of(hwio, true, false)));
    return tf.nn.biasAdd(tf.nn.conv2d(x, filter, List.of(1L, 1L, 1L, 1L), "VALID"), variable(tf, weights.get(name + ".bias")));
  }

  private static Operand<TFloat32> pool(Ops tf, Operand<TFloat32> x) {
    return tf.nn.maxPool(x, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
  }

  /** The dense layer's rows, bytegrad's NCHW flattening order ({@code c*16 + h*4 + w}), put in NHWC order. */
  private static float[] nhwcRows(Tensor weight) {
    int columns = weight.shape().dim(1);
    float[] in = weight.floats();
    float[] out = new float[in.length];
    for (int c = 0; c < 50; c++) {
      for (int p = 0; p < 16; p++) {
        System.arraycopy(in, (c * 16 + p) * columns, out, (p * 50 + c) * columns, columns);
      }
    }
    return out;
  }
}
