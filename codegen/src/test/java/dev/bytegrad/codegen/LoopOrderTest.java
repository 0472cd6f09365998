package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.loop.LoopPrinter;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * How kernels walk memory: loops split where an index is divided, operands read where they lie, reductions
 * in memory order. Each case is checked against the interpreter on both backends, and its loops by their text.
 */
class LoopOrderTest {
  @Test
  void aFlatLoopDividedByAConstant_becomesTwoLoops_withoutDivisions() {
    // a convolution's output moved from channel-major to channel-last, plus the bias along the channels
    Graph g = new Graph();
    Node x = g.input("x", 20, 36);
    Node bias = g.input("bias", 20);
    Node y = x.mT().reshape(720).add(bias.reshape(1, 20).broadcastTo(36, 20).reshape(720)).relu();
    String loops = check(List.of(x, bias), List.of(y));
    assertThat(loops).contains("for i1 < 36:", "for i2 < 20:", "output0[i1 * 20 + i2] = max(x[i2 * 36 + i1] + bias[i2], 0.0f)")
        .doesNotContain(" / ", " % ");
  }

  @Test
  void padsSummedWithAGap_splitTheirLoopAtTheBounds_withoutATestPerElement() {
    // two blocks padded to one width and summed, a zero column between them (side by side, the graph's
    // simplifier makes them a concat): one loop per block, and one for the column
    Graph g = new Graph();
    Node a = g.input("a", 3, 8);
    Node b = g.input("b", 3, 8);
    Node y = a.mul(a).pad(new int[] {0, 0}, new int[] {0, 9}).add(b.exp().pad(new int[] {0, 9}, new int[] {0, 0}));
    String loops = check(List.of(a, b), List.of(y));
    assertThat(loops).contains("for i1 < 8:\n      output0[i0 * 17 + i1] = a[i0 * 8 + i1] * a[i0 * 8 + i1] + 0.0f",
        "for i1 < 8:\n      output0[i0 * 17 + (i1 + 9)] = 0.0f + exp(b[i0 * 8 + i1])").doesNotContain(" ? ");
  }

  @Test
  void padsSummedSideBySide_areOneConcat_eachBlockComputedWhereItLies() {
    // an LSTM's gate gradients, each padded to the four gates' width and summed
    Graph g = new Graph();
    Node a = g.input("a", 3, 8);
    Node b = g.input("b", 3, 8);
    Node y = a.mul(a).pad(new int[] {0, 0}, new int[] {0, 8}).add(b.exp().pad(new int[] {0, 8}, new int[] {0, 0}));
    String loops = check(List.of(a, b), List.of(y));
    assertThat(loops).contains("output0[i0 * 16 + i1] = a[i0 * 8 + i1] * a[i0 * 8 + i1]\n",
        "output0[i2 * 16 + (i3 + 8)] = exp(b[i2 * 8 + i3])\n").doesNotContain(" ? ", "0.0f");
  }

  @Test
  void aTransposeReadingRows4KiBApart_movesItsInnerLoop_toTheReadSide() {
    // channel-major [20, 1024] to channel-last: the output's inner loop would read 4 KiB apart, every
    // access in the same L1 set; reading along rows and writing 80 bytes apart is cheaper
    Graph g = new Graph();
    Node x = g.input("x", 20, 1024);
    Node bias = g.input("bias", 20);
    Node y = x.mT().add(bias.reshape(1, 20).broadcastTo(1024, 20));
    String loops = check(List.of(x, bias), List.of(y));
    // not split over threads either: each thread would write some channels of every row, into the same lines
    assertThat(loops).contains("for i1 < 20:\n    for i0 < 1024:\n      output0[i0 * 20 + i1] = x[i1 * 1024 + i0] + bias[i1]");
  }

  @Test
  void aTransposeReadingALinePerElementOverMegabytes_isWalkedInBlocks_splitOverThreadsByBlock() {
    // LeNet's conv1 input gradient moved back to channel-major: each output row reads a line of x per
    // element, 2.3 MB a row, and the next row the same lines again
    Graph g = new Graph();
    Node x = g.input("x", 36864, 20);
    String loops = check(List.of(x), List.of(x.mT().mul(2)));
    assertThat(loops).contains("for i1Block < 144, split over threads:\n    for i0 < 20:\n      for i1 < 256:\n"
        + "        output0[i0 * 36864 + (i1Block * 256 + i1)] = x[(i1Block * 256 + i1) * 20 + i0] * 2.0f");
  }

  @Test
  void aSumOverRowsOfChannels_readsThemInMemoryOrder_withTheSameBits() {
    // a convolution's bias gradient, channels last: one sum per channel over the positions
    Graph g = new Graph();
    Node x = g.input("x", 36, 20);
    Node max = g.input("y", 36, 20);
    Node sum = x.mT().sum(1);
    Node largest = max.mT().max(1);
    String loops = check(List.of(x, max), List.of(sum, largest));
    // ... each row of twenty added at once, by the runtime's vectorized accumulate
    assertThat(loops).contains("for i1 < 36:\n    output0[0 + i] += x[i1 * 20 + i] for i < 20, vectorized");
    // each channel still sums its positions in order: the same float as the obvious loop
    Compiled compiled = GraphCompiler.compile("sums", new Signature(List.of(x, max), List.of(), List.of(sum), Map.of()), Backend.ASM);
    Tensor xv = Tensor.zeros(DType.F32, x.shape());
    SplittableRandom random = new SplittableRandom(4);
    for (int e = 0; e < xv.size(); e++) {
      xv.floats()[e] = (float) random.nextGaussian();
    }
    Tensor out = Tensor.zeros(DType.F32, sum.shape());
    compiled.instantiate().run(new Tensor[] {xv, Tensor.zeros(DType.F32, max.shape())}, new Tensor[] {out});
    for (int c = 0; c < 20; c++) {
      float expected = 0f;
      for (int p = 0; p < 36; p++) {
        expected += xv.floats()[p * 20 + c];
      }
      assertThat(out.floats()[c]).isEqualTo(expected);
    }
  }

  @Test
  void aScatterAddOfRows_addsEachRowAtOnce_withTheSameBits() {
    // col2im's shape: rows of updates added into the rows a constant table names, some rows twice
    Graph g = new Graph();
    Node updates = g.input("updates", 6, 16);
    int[] rows = {0, 2, 0, 1, 2, 0};
    Node out = updates.scatterAdd(g.constant(Tensor.ofInts(Shape.of(6), rows)), 3);
    String loops = check(List.of(updates), List.of(out));
    assertThat(loops).contains("for i2 < 6:\n    output0[constant0[i2] * 16 + i] += updates[i2 * 16 + i] for i < 16, vectorized");
    Compiled compiled = GraphCompiler.compile("scatter", new Signature(List.of(updates), List.of(), List.of(out), Map.of()), Backend.ASM);
    Tensor x = Tensor.zeros(DType.F32, updates.shape());
    SplittableRandom random = new SplittableRandom(5);
    for (int e = 0; e < x.size(); e++) {
      x.floats()[e] = (float) random.nextGaussian();
    }
    Tensor result = Tensor.zeros(DType.F32, out.shape());
    compiled.instantiate().run(new Tensor[] {x}, new Tensor[] {result});
    float[] expected = new float[3 * 16];
    for (int r = 0; r < rows.length; r++) {
      for (int j = 0; j < 16; j++) {
        expected[rows[r] * 16 + j] += x.floats()[r * 16 + j];
      }
    }
    assertThat(result.floats()).containsExactly(expected);
  }

  @Test
  void anElementwiseNestOverWholeRows_becomesOneLoop() {
    // an optimizer's update has this shape: C2 (JDK 17) vectorizes it only as one loop
    Graph g = new Graph();
    Node a = g.input("a", 3, 5, 8);
    Node b = g.input("b", 3, 5, 8);
    String loops = check(List.of(a, b), List.of(a.mul(b).sub(b)));
    assertThat(loops).contains("for i0 < 120:\n    output0[i0] = a[i0] * b[i0] - b[i0]");
  }

  @Test
  void aBroadcastAlongRows_keepsItsInnerLoop_andMergesTheLoopsOutside() {
    Graph g = new Graph();
    Node a = g.input("a", 3, 5, 8);
    Node bias = g.input("bias", 8);
    String loops = check(List.of(a, bias), List.of(a.add(bias.reshape(1, 1, 8).broadcastTo(3, 5, 8))));
    assertThat(loops).contains("for i0 < 15:\n    for i2 < 8:\n      output0[i0 * 8 + i2] = a[i0 * 8 + i2] + bias[i2]");
  }

  @Test
  void aTransposedNest_isNotMerged() {
    // the output's rows are the input's columns: no single index walks both
    Graph g = new Graph();
    Node a = g.input("a", 6, 7);
    String loops = check(List.of(a), List.of(a.mT().mul(a.mT())));
    assertThat(loops).contains("for i0 < 7:", "for i1 < 6:");
  }

  @Test
  void aScalarTheLoopReads_isLoadedOnceBeforeIt() {
    // a learning rate: the JIT cannot tell its array from the ones the loop stores to, and reloads it
    Graph g = new Graph();
    Node w = g.input("w", 4, 16);
    Node rate = g.input("rate", 1);
    String loops = check(List.of(w, rate), List.of(w.sub(w.mul(rate.reshape(1, 1).broadcastTo(4, 16)))));
    assertThat(loops).contains("f32 rateAt0 = rate[0]", "for i0 < 64:\n    output0[i0] = w[i0] - w[i0] * rateAt0");
  }

  @Test
  void aReshapedMatrix_isReadWhereItLies_evenTransposed() {
    Graph g = new Graph();
    Node a = g.input("a", 6, 8);
    Node b = g.input("b", 4, 3);
    Node y = a.reshape(4, 12).mT().matmul(b);
    String loops = check(List.of(a, b), List.of(y));
    assertThat(loops).as("one kernel, the product, reading a in place").containsOnlyOnce("kernel ")
        .contains("a=T a[0]");
  }

  @Test
  void aReshapeThatChangesTheMatrix_isNotSeenThrough_toATransposeBelowIt() {
    // reshape(transpose(y)) is not y read transposed: the transpose has to be materialized first
    Graph g = new Graph();
    Node y = g.input("y", 3, 4);
    Node b = g.input("b", 6, 2);
    check(List.of(y, b), List.of(y.mT().reshape(2, 6).matmul(b)));
  }

  /** Compiles {@code outputs} of {@code inputs} with both backends, checks them against the interpreter; the loop IR. */
  private String check(List<Node> inputs, List<Node> outputs) {
    SplittableRandom random = new SplittableRandom(3);
    Map<Node, Tensor> values = new HashMap<>();
    Tensor[] arguments = new Tensor[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      Tensor value = Tensor.zeros(DType.F32, inputs.get(i).shape());
      for (int e = 0; e < value.size(); e++) {
        value.floats()[e] = (float) random.nextGaussian();
      }
      values.put(inputs.get(i), value);
      arguments[i] = value;
    }
    List<Tensor> expected = Interpreter.declared().evaluate(outputs, values);
    Signature signature = new Signature(inputs, List.of(), outputs, Map.of());
    String loops = null;
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      Compiled compiled = GraphCompiler.compile("functions", signature, backend);
      // whether a loop runs a vector of elements at a time is VectorLoopTest's concern
      loops = LoopPrinter.print(compiled.program()).replace(", vector:", ":");
      Tensor[] results = outputs.stream().map(n -> Tensor.zeros(n.dtype(), n.shape())).toArray(Tensor[]::new);
      compiled.instantiate().run(arguments, results);
      for (int o = 0; o < results.length; o++) {
        for (int e = 0; e < results[o].size(); e++) {
          double want = expected.get(o).getDouble(e);
          assertThat(Math.abs(results[o].getDouble(e) - want)).as("%s output %d element %d\n%s", backend, o, e, loops)
              .isLessThanOrEqualTo(1e-5 * (1 + Math.abs(want)));
        }
      }
      if (backend == Backend.ASM) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(compiled.classFile()), getClass().getClassLoader(), false, new PrintWriter(problems));
        assertThat(problems.toString()).isEmpty();
      }
    }
    return loops;
  }
}
