package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.Scans;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.nn.Recurrent;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Adam;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An LSTM language model's training step — a scan forward, a scan backward, clipping and Adam — compiled
 * by both backends: it follows the interpreter, allocates nothing, and its code does not grow with the
 * sequence's length.
 */
class RecurrentStepTest {
  private static final int BATCH = 8;
  // gates of 8 x 64 elements: large enough for the vectorized array functions (see Fusion.arrayFunction)
  private static final int HIDDEN = 64;
  private static final int VOCABULARY = 7;

  private record Lstm(Graph graph, Node tokens, Node targets, Node h0, Node c0, TrainingGraph training, List<Node> last) {
    static Lstm create(int length) {
      Graph g = new Graph();
      Node tokens = g.input("tokens", DType.I32, length, BATCH);
      Node targets = g.input("targets", DType.I32, length, BATCH);
      Node h0 = g.input("h0", BATCH, HIDDEN);
      Node c0 = g.input("c0", BATCH, HIDDEN);
      Init init = Init.uniform(-0.4, 0.4);
      Node x = Layers.embedding(tokens, "embedding", VOCABULARY, 4 * HIDDEN, init);
      Scans.Result lstm = Recurrent.lstm(x, h0, c0, "cell", init);
      Node loss = Losses.crossEntropy(Layers.dense(lstm.output(0), "output", VOCABULARY, init), targets);
      TrainingGraph training = TrainingGraph.build(loss, g.parameters(), Adam.defaults(), new Regularization(0, 1.0));
      return new Lstm(g, tokens, targets, h0, c0, training, lstm.carries());
    }

    Compiled compile(Backend backend) {
      List<Node> inputs = List.of(tokens, targets, h0, c0, training.learningRate());
      List<Node> outputs = new ArrayList<>(List.of(training.loss()));
      outputs.addAll(last);
      return GraphCompiler.compile("lstm", new Signature(inputs, graph.parameters(), outputs, training.updates()), backend);
    }

    Tensor[] bind(Parameters values) {
      return graph.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
    }
  }

  private static Tensor[] inputs(int length, int seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Tensor tokens = Tensor.zeros(DType.I32, Shape.of(length, BATCH));
    Tensor targets = Tensor.zeros(DType.I32, Shape.of(length, BATCH));
    for (int i = 0; i < tokens.size(); i++) {
      tokens.ints()[i] = random.nextInt(VOCABULARY);
      targets.ints()[i] = (tokens.ints()[i] + 1) % VOCABULARY; // learnable: the next token follows the current
    }
    return new Tensor[] {tokens, targets, Tensor.zeros(DType.F32, Shape.of(BATCH, HIDDEN)),
        Tensor.zeros(DType.F32, Shape.of(BATCH, HIDDEN)), Tensor.scalar(DType.F32, 0.02)};
  }

  private static Tensor[] outputs() {
    return new Tensor[] {Tensor.scalar(DType.F32, 0), Tensor.zeros(DType.F32, Shape.of(BATCH, HIDDEN)),
        Tensor.zeros(DType.F32, Shape.of(BATCH, HIDDEN))};
  }

  /** Trains 25 steps of truncated BPTT (the state carried from step to step); returns the parameters. */
  private static Parameters train(Backend backend, double[] losses) {
    Lstm lstm = Lstm.create(5);
    Parameters values = Parameters.initialize(lstm.graph(), 3);
    CompiledFunction step = lstm.compile(backend).instantiate(lstm.bind(values));
    Tensor[] out = outputs();
    Tensor[] in = inputs(5, 0);
    for (int i = 0; i < losses.length; i++) {
      Tensor[] batch = inputs(5, i % 4);
      in[0] = batch[0];
      in[1] = batch[1];
      step.run(in, out);
      losses[i] = out[0].getDouble(0);
      in[2] = out[1].copy();
      in[3] = out[2].copy();
    }
    return values;
  }

  @Test
  void lstmTrainedWithCarriedState_endsWithTheSameParametersInEveryBackend() {
    double[] interpreted = new double[25];
    Parameters expected = train(Backend.INTERPRETER, interpreted);
    assertThat(interpreted[24]).isLessThan(interpreted[0] * 0.8);
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      double[] losses = new double[25];
      Parameters actual = train(backend, losses);
      for (int i = 0; i < losses.length; i++) {
        assertThat(Math.abs(losses[i] - interpreted[i])).as("%s loss at step %d", backend, i).isLessThan(1e-4);
      }
      expected.asMap().forEach((name, tensor) -> {
        double[] want = tensor.toDoubleArray();
        double[] got = actual.get(name).toDoubleArray();
        for (int i = 0; i < want.length; i++) {
          assertThat(Math.abs(got[i] - want[i])).as("%s %s[%d]", backend, name, i).isLessThan(1e-4 * (1 + Math.abs(want[i])));
        }
      });
    }
  }

  @Test
  void generatedCode_doesNotGrowWithTheSequenceLength() {
    Compiled short16 = Lstm.create(16).compile(Backend.ASM);
    Compiled long256 = Lstm.create(256).compile(Backend.ASM);
    assertThat(long256.program().allKernels()).hasSameSizeAs(short16.program().allKernels());
    assertThat((double) long256.classFile().length).isCloseTo(short16.classFile().length,
        org.assertj.core.data.Offset.offset(0.02 * short16.classFile().length));
    String source = Lstm.create(256).compile(Backend.JAVAPOET).javaSource();
    assertThat(source).contains("for (int step = 0; step < 256; step++)");
  }

  @Test
  void theScansSlicesAndOutputs_areCopiedByArraycopy_notElementByElement() {
    // the step's slice in, its outputs and residuals out, at an offset of the step: C2 leaves such loops scalar
    String loops = dev.bytegrad.codegen.loop.LoopPrinter.print(Lstm.create(16).compile(Backend.ASM).program());
    assertThat(loops).containsPattern("\\w+\\[step \\* 512 \\+ i\\] = loop0_carry0\\[0 \\+ i\\] for i < 512, copied")
        .containsPattern("loop0_x0\\[0 \\+ i\\] = \\w+\\[step \\* 2048 \\+ i\\] for i < 2048, copied")
        .doesNotContainPattern("\\w+\\[step \\* \\d+ \\+ i\\d+\\] = \\w+\\[i\\d+\\]\\n");
  }

  @Test
  void compiledLstmStep_allocatesNothingAfterWarmUp() {
    Lstm lstm = Lstm.create(8);
    CompiledFunction step = lstm.compile(Backend.ASM).instantiate(lstm.bind(Parameters.initialize(lstm.graph(), 1)));
    Tensor[] in = inputs(8, 0);
    Tensor[] out = outputs();
    assertThat(Allocations.afterWarmUp(() -> step.run(in, out), 300, 60)).isZero();
  }
}
