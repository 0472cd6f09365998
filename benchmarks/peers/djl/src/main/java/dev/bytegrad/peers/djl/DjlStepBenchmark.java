package dev.bytegrad.peers.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.bytegrad.benchmarks.PeerWorkload;
import dev.bytegrad.runtime.Tensor;
import java.nio.FloatBuffer;
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

/**
 * One training step of each {@link PeerWorkload} in DJL 0.36 on the PyTorch 2.7.1 engine, written as a DJL
 * user writes a training loop: a {@link Trainer} with SGD and momentum 0.9, a {@link GradientCollector},
 * the model's blocks (Linear, Conv2d, max pooling, LSTM), bytegrad's initial weights copied in. The
 * intermediate arrays of each step live in a sub-manager closed after the step, so nothing piles up.
 * The engine's intra-op and inter-op thread counts are set to {@code threads}.
 *
 * <pre>java -jar benchmarks/peers/djl/target/peer-djl.jar -p threads=1</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dai.djl.offline=true"})
public class DjlStepBenchmark {
  @Param({"SOFTMAX", "MLP", "LENET", "CHAR_LSTM"})
  public PeerWorkload workload;

  @Param({"1", "2"})
  public int threads;

  private NDManager manager;
  private Model model;
  private Trainer trainer;
  private NDList inputs;
  private NDList labels;

  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
    Engine engine = Engine.getEngine("PyTorch");
    manager = engine.newBaseManager(Device.cpu());
    model = Model.newInstance(workload.name().toLowerCase(), Device.cpu(), "PyTorch");
    model.setBlock(block(workload));
    Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(PeerWorkload.LEARNING_RATE))
        .optMomentum(PeerWorkload.MOMENTUM).build();
    trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd)
        .optDevices(new Device[] {Device.cpu()}));
    Tensor[] data = workload.data();
    int n = workload.batch;
    if (workload == PeerWorkload.CHAR_LSTM) {
      int length = data[0].shape().dim(0);
      NDArray tokens = manager.create(data[0].ints(), new Shape(length, n));
      NDArray oneHot = tokens.oneHot(VOCABULARY);
      NDArray h0 = manager.zeros(new Shape(1, n, HIDDEN));
      NDArray c0 = manager.zeros(new Shape(1, n, HIDDEN));
      inputs = new NDList(oneHot, h0, c0);
      labels = new NDList(manager.create(data[1].ints(), new Shape((long) length * n)));
    } else {
      NDArray x = manager.create(data[0].floats(), workload == PeerWorkload.LENET ? new Shape(n, 1, 28, 28) : new Shape(n, 784));
      inputs = new NDList(x);
      labels = new NDList(manager.create(data[1].ints(), new Shape(n)));
    }
    trainer.initialize(inputs.getShapes());
    copyWeights(workload, workload.parameters(), model.getBlock().getParameters().values());
    workload.checkFirstLoss("DJL", step());
  }

  @Benchmark
  public float step() {
    try (NDManager scope = manager.newSubManager()) {
      inputs.tempAttach(scope);
      labels.tempAttach(scope);
      float loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList logits = trainer.forward(inputs, labels);
        NDArray value = trainer.getLoss().evaluate(labels, logits);
        collector.backward(value);
        loss = value.getFloat();
      }
      trainer.step();
      return loss;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    trainer.close();
    model.close();
    manager.close();
  }

  static final int VOCABULARY = 65;
  static final int HIDDEN = 128;

  static Block block(PeerWorkload workload) {
    return switch (workload) {
      case SOFTMAX -> new SequentialBlock().add(Linear.builder().setUnits(10).build());
      case MLP -> new SequentialBlock().add(Linear.builder().setUnits(256).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(10).build());
      case LENET -> new SequentialBlock()
          .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(20).build())
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
          .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(50).build())
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(500).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(10).build());
      case CHAR_LSTM -> new CharLstm(VOCABULARY, HIDDEN);
    };
  }

  /**
   * bytegrad's parameters into DJL's, in DJL's order: dense weights transposed ({@code [in, out]} to
   * {@code [out, in]}), kernels as they are, the LSTM's input projection and recurrent weight transposed
   * (gate order i, f, g, o in both), the forget gate's +1 in the input bias and a zero recurrent bias.
   */
  static void copyWeights(PeerWorkload workload, Map<String, Tensor> ours, List<Parameter> theirs) {
    List<float[]> values = switch (workload) {
      case SOFTMAX -> List.of(PeerWorkload.transposed(ours.get("output.weight")), ours.get("output.bias").floats());
      case MLP -> List.of(PeerWorkload.transposed(ours.get("hidden.weight")), ours.get("hidden.bias").floats(),
          PeerWorkload.transposed(ours.get("output.weight")), ours.get("output.bias").floats());
      case LENET -> List.of(ours.get("conv1.weight").floats(), ours.get("conv1.bias").floats(),
          ours.get("conv2.weight").floats(), ours.get("conv2.bias").floats(),
          PeerWorkload.transposed(ours.get("dense.weight")), ours.get("dense.bias").floats(),
          PeerWorkload.transposed(ours.get("output.weight")), ours.get("output.bias").floats());
      case CHAR_LSTM -> {
        float[] bias = ours.get("cell.bias").floats().clone();
        for (int j = HIDDEN; j < 2 * HIDDEN; j++) {
          bias[j] += 1;
        }
        yield List.of(PeerWorkload.transposed(ours.get("embedding.weight")), PeerWorkload.transposed(ours.get("cell.recurrent")), bias,
            new float[4 * HIDDEN], PeerWorkload.transposed(ours.get("output.weight")), ours.get("output.bias").floats());
      }
    };
    if (values.size() != theirs.size()) {
      throw new IllegalStateException(workload + ": DJL has " + theirs.size() + " parameters, bytegrad " + values.size());
    }
    for (int i = 0; i < values.size(); i++) {
      NDArray array = theirs.get(i).getArray();
      if (array.size() != values.get(i).length) {
        throw new IllegalStateException(workload + ": DJL's parameter " + theirs.get(i).getName() + " " + array.getShape()
            + " has " + array.size() + " elements, bytegrad's " + values.get(i).length);
      }
      array.set(FloatBuffer.wrap(values.get(i)));
    }
  }
}
