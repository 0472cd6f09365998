package dev.bytegrad.peers.nd4j;

import dev.bytegrad.benchmarks.PeerWorkload;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of each {@link PeerWorkload} in DL4J's SameDiff 1.0.0-M2.1 (ND4J native, OpenBLAS), as
 * its users write one: a graph of variables and placeholders, {@code softmaxCrossEntropy} on one-hot
 * labels, a {@link TrainingConfig} and {@code fit} on one {@link DataSet} a step. SameDiff's updaters have no
 * plain momentum; {@link Nesterovs} (momentum 0.9) costs the same. Convolutions run in NCHW, bytegrad's layout, with the
 * kernels in SameDiff's YXIO; the LSTM is unrolled over its 32 steps from basic ops, its characters fed one-hot.
 * libnd4j's and OpenBLAS's thread counts are set to {@code threads}; set {@code OMP_NUM_THREADS} to the same
 * ({@code compare.py} does).
 *
 * <pre>OMP_NUM_THREADS=1 java -jar benchmarks/peers/nd4j/target/peer-nd4j.jar -p threads=1</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SameDiffStepBenchmark {
  static final int VOCABULARY = 65;
  static final int HIDDEN = 128;

  @Param({"SOFTMAX", "MLP", "LENET", "CHAR_LSTM"})
  public PeerWorkload workload;

  @Param({"1", "2"})
  public int threads;

  private SameDiff sd;
  private DataSet batch;

  @Setup(Level.Trial)
  public void setUp() {
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    Map<String, Tensor> weights = workload.parameters();
    Tensor[] data = workload.data();
    int n = workload.batch;
    sd = SameDiff.create();
    SDVariable logits;
    INDArray features;
    INDArray labels;
    if (workload == PeerWorkload.CHAR_LSTM) {
      int length = data[0].shape().dim(0);
      features = oneHot(data[0].ints(), VOCABULARY);
      labels = oneHot(data[1].ints(), VOCABULARY);
      SDVariable x = sd.placeHolder("x", DataType.FLOAT, (long) length * n, VOCABULARY);
      sd.placeHolder("y", DataType.FLOAT, (long) length * n, VOCABULARY);
      float[] bias = weights.get("cell.bias").floats().clone();
      for (int j = HIDDEN; j < 2 * HIDDEN; j++) {
        bias[j] += 1;  // bytegrad's LSTM layer adds 1 to the forget gate's bias inside the model
      }
      SDVariable projected = x.mmul(variable("embedding.weight", weights.get("embedding.weight")))
          .reshape(length, n, 4 * HIDDEN);
      SDVariable recurrent = variable("cell.recurrent", weights.get("cell.recurrent"));
      SDVariable b = sd.var("cell.bias", Nd4j.create(bias, new long[] {4 * HIDDEN}, DataType.FLOAT));
      SDVariable h = sd.constant("h0", Nd4j.zeros(DataType.FLOAT, n, HIDDEN));
      SDVariable c = sd.constant("c0", Nd4j.zeros(DataType.FLOAT, n, HIDDEN));
      List<SDVariable> states = new ArrayList<>();
      for (SDVariable xt : sd.unstack(projected, 0, length)) {
        SDVariable z = xt.add(h.mmul(recurrent)).add(b);
        SDVariable i = sd.nn().sigmoid(gate(z, 0));
        SDVariable f = sd.nn().sigmoid(gate(z, 1));
        SDVariable g = sd.math().tanh(gate(z, 2));
        SDVariable o = sd.nn().sigmoid(gate(z, 3));
        c = f.mul(c).add(i.mul(g));
        h = o.mul(sd.math().tanh(c));
        states.add(h);
      }
      SDVariable flat = sd.stack(0, states.toArray(SDVariable[]::new)).reshape((long) length * n, HIDDEN);
      logits = dense(flat, weights, "output");
    } else {
      features = Nd4j.create(data[0].floats(), new long[] {n, 784}, DataType.FLOAT);
      labels = oneHot(data[1].ints(), 10);
      SDVariable x = sd.placeHolder("x", DataType.FLOAT, n, 784);
      sd.placeHolder("y", DataType.FLOAT, n, 10);
      logits = switch (workload) {
        case SOFTMAX -> dense(x, weights, "output");
        case MLP -> dense(sd.nn().relu(dense(x, weights, "hidden"), 0), weights, "output");
        default -> {
          SDVariable images = x.reshape(n, 1, 28, 28);
          SDVariable pooled = pool(convolution(pool(convolution(images, weights, "conv1")), weights, "conv2"));
          yield dense(sd.nn().relu(dense(pooled.reshape(n, 800), weights, "dense"), 0), weights, "output");
        }
      };
    }
    SDVariable loss = sd.loss().softmaxCrossEntropy("loss", sd.getVariable("y"), logits, null, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0);
    sd.setLossVariables(loss);
    sd.setTrainingConfig(TrainingConfig.builder().updater(new Nesterovs(PeerWorkload.LEARNING_RATE, PeerWorkload.MOMENTUM))
        .dataSetFeatureMapping("x").dataSetLabelMapping("y").build());
    batch = new DataSet(features, labels);
    workload.checkFirstLoss("SameDiff", sd.outputSingle(Map.of("x", features, "y", labels), "loss").getDouble(0));
  }

  @Benchmark
  public Object step() {
    return sd.fit(batch);
  }

  private SDVariable gate(SDVariable z, int k) {
    return z.get(SDIndex.all(), SDIndex.interval(k * HIDDEN, (k + 1) * HIDDEN));
  }

  private SDVariable variable(String name, Tensor value) {
    long[] dims = new long[value.shape().rank()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = value.shape().dim(i);
    }
    return sd.var(name, Nd4j.create(value.floats(), dims, DataType.FLOAT));
  }

  private SDVariable dense(SDVariable x, Map<String, Tensor> weights, String name) {
    return x.mmul(variable(name + ".weight", weights.get(name + ".weight"))).add(variable(name + ".bias", weights.get(name + ".bias")));
  }

  /**
   * A 5x5 valid convolution in NCHW. The kernel is bytegrad's {@code [out, in, 5, 5]} transposed to SameDiff's
   * default YXIO: with OIYX kernels, conv2d's backward op fails its own validation in this release.
   */
  private SDVariable convolution(SDVariable x, Map<String, Tensor> weights, String name) {
    Tensor kernel = weights.get(name + ".weight");
    int out = kernel.shape().dim(0);
    int in = kernel.shape().dim(1);
    float[] hwio = PeerWorkload.hwio(kernel);
    SDVariable filter = sd.var(name + ".weight", Nd4j.create(hwio, new long[] {5, 5, in, out}, DataType.FLOAT));
    Conv2DConfig config = Conv2DConfig.builder().kH(5).kW(5).sH(1).sW(1).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
    return sd.cnn().conv2d(x, filter, variable(name + ".bias", weights.get(name + ".bias")), config);
  }

  private SDVariable pool(SDVariable x) {
    return sd.cnn().maxPooling2d(x, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).isNHWC(false).build());
  }

  private static INDArray oneHot(int[] labels, int classes) {
    float[] values = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      values[i * classes + labels[i]] = 1;
    }
    return Nd4j.create(values, new long[] {labels.length, classes}, DataType.FLOAT);
  }
}
