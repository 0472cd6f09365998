package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.loop.LoopPrinter;
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
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * A recurrent step whose rows never meet runs its loops in chunks of rows, one loop per thread: the same
 * bits on any number of threads, the interpreter's values; a step whose rows meet keeps its loop whole.
 */
class ScanChunksTest {
  private static final int BATCH = 32;
  private static final int HIDDEN = 32;
  private static final int VOCABULARY = 7;
  private static final int LENGTH = 6;
  private final int threadsBefore = Gemm.threads();

  @AfterEach
  void restoreThreads() {
    Gemm.setThreads(threadsBefore);
  }

  /** A language model over {@code [LENGTH, BATCH]} tokens whose recurrent layer {@code layer} builds from the projected inputs and h0. */
  private record Model(Graph graph, Signature step) {
    static Model create(BiFunction<Node, Node, Node> layer) {
      Graph g = new Graph();
      Node tokens = g.input("tokens", DType.I32, LENGTH, BATCH);
      Node targets = g.input("targets", DType.I32, LENGTH, BATCH);
      Node h0 = g.input("h0", BATCH, HIDDEN);
      Node hidden = layer.apply(Layers.embedding(tokens, "embedding", VOCABULARY, 4 * HIDDEN, Init.uniform(-0.4, 0.4)), h0);
      Node loss = Losses.crossEntropy(Layers.dense(hidden, "output", VOCABULARY, Init.uniform(-0.4, 0.4)), targets);
      TrainingGraph training = TrainingGraph.build(loss, g.parameters(), Adam.defaults(), new Regularization(0, 1.0));
      return new Model(g, new Signature(List.of(tokens, targets, h0, training.learningRate()), g.parameters(), List.of(loss),
          training.updates()));
    }

    /** Trains 8 steps from seed-3 parameters; returns the losses, then every parameter's elements. */
    List<Double> train(Compiled compiled) {
      Parameters values = Parameters.initialize(graph, 3);
      Tensor[] parameters = graph.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
      CompiledFunction function = compiled.instantiate(parameters);
      SplittableRandom random = new SplittableRandom(9);
      Tensor[] outputs = {Tensor.scalar(DType.F32, 0)};
      List<Double> results = new ArrayList<>();
      for (int step = 0; step < 8; step++) {
        Tensor tokens = Tensor.zeros(DType.I32, Shape.of(LENGTH, BATCH));
        Tensor targets = Tensor.zeros(DType.I32, Shape.of(LENGTH, BATCH));
        for (int i = 0; i < tokens.size(); i++) {
          tokens.ints()[i] = random.nextInt(VOCABULARY);
          targets.ints()[i] = (tokens.ints()[i] + 1) % VOCABULARY;
        }
        Tensor h0 = Tensor.zeros(DType.F32, Shape.of(BATCH, HIDDEN));
        for (int i = 0; i < h0.size(); i++) {
          h0.floats()[i] = (float) random.nextGaussian() * 0.1f;
        }
        function.run(new Tensor[] {tokens, targets, h0, Tensor.scalar(DType.F32, 0.01)}, outputs);
        results.add(outputs[0].getDouble(0));
      }
      for (Tensor parameter : parameters) {
        for (double value : parameter.toDoubleArray()) {
          results.add(value);
        }
      }
      return results;
    }
  }

  private static Model lstm() {
    return Model.create((x, h0) -> Recurrent.lstm(x, h0, h0.mul(0.5), "cell", Init.uniform(-0.4, 0.4)).output(0));
  }

  @Test
  void lstmStep_runsBothLoopsInChunks_withTheSameBitsOnOneTwoAndThreeThreads_andTheInterpretersValues() {
    Model model = lstm();
    List<Double> interpreted = model.train(GraphCompiler.compile("lstm", model.step(), Backend.INTERPRETER));
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Compiled compiled = GraphCompiler.compile("lstm", model.step(), backend);
      String loops = LoopPrinter.print(compiled.program());
      assertThat(loops.split("in 2 chunks of 16 rows", -1)).as("the forward and the backward loop").hasSize(3);
      assertThat(loops).contains("chunks of rows split over threads").contains("call loop0_k0(chunk)");
      Gemm.setThreads(1);
      List<Double> one = model.train(compiled);
      for (int i = 0; i < one.size(); i++) {
        assertThat(one.get(i)).as("%s, value %d", backend, i).isCloseTo(interpreted.get(i),
            org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(interpreted.get(i)))));
      }
      for (int threads : new int[] {2, 3}) {
        Gemm.setThreads(threads);
        assertThat(model.train(compiled)).as("%s on %d threads", backend, threads).isEqualTo(one);
      }
    }
  }

  @Test
  void chunkedLoops_passTheBytecodeVerifier_andTakeTheChunkAsAnArgument() {
    Model model = lstm();
    byte[] classFile = GraphCompiler.compile("lstm", model.step(), Backend.ASM).classFile();
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(classFile), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();
    String source = GraphCompiler.compile("lstm", model.step(), Backend.JAVAPOET).javaSource();
    assertThat(source).contains("Parallel.runChunks(this, ").contains("private void loop0_k0(int chunk)")
        .contains("loop0_k0(chunk);");
  }

  /** A tanh RNN over the first HIDDEN of the projected inputs; with {@code meeting}, each step adds the batch's mean state to every row. */
  private static Model rnn(boolean meeting) {
    return Model.create((x, h0) -> {
      Node w = h0.graph().parameter("cell.recurrent", Init.uniform(-0.4, 0.4), DType.F32, HIDDEN, HIDDEN);
      Node projected = x.slice(new int[] {0, 0, 0}, new int[] {LENGTH, BATCH, HIDDEN});
      return Scans.scan(List.of(h0), List.of(projected), (h, slice) -> {
        Node z = slice.get(0).add(h.get(0).matmul(w));
        return Scans.step((meeting ? z.add(h.get(0).mean(0).broadcastTo(BATCH, HIDDEN)) : z).tanh());
      }).output(0);
    });
  }

  @Test
  void loopWhoseRowsMeet_staysWhole_andComputesTheSame() {
    assertThat(LoopPrinter.print(GraphCompiler.compile("apart", rnn(false).step(), Backend.ASM).program())).contains("chunks of");
    // row b's next state needs every row's
    Model model = rnn(true);
    Compiled compiled = GraphCompiler.compile("meeting", model.step(), Backend.ASM);
    assertThat(LoopPrinter.print(compiled.program())).contains("loop of " + LENGTH + " steps").doesNotContain("chunks of");
    List<Double> interpreted = model.train(GraphCompiler.compile("meeting", model.step(), Backend.INTERPRETER));
    Gemm.setThreads(2);
    List<Double> compiledValues = model.train(compiled);
    for (int i = 0; i < interpreted.size(); i++) {
      assertThat(compiledValues.get(i)).as("value %d", i).isCloseTo(interpreted.get(i),
          org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(interpreted.get(i)))));
    }
  }
}
