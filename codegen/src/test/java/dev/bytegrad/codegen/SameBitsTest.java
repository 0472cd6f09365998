package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.Vectors;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A training step's parameters after a fixed run, to the bit: the same on JDK 17 and JDK 25 (CI runs this
 * on both), on either backend, whether its loops ran interpreted or compiled. The model goes through every
 * array function (a tanh and a sigmoid layer of 4,096 elements, a softmax over 640) and the GEMM, which
 * round differently only when the Vector API is missing (then this test is skipped).
 *
 * <p>The bits depend on the machine's vector width ({@link Vectors#lanes()}), through the classifier's dot
 * products, which sum each lane's share of k and then the lanes: one checksum for AVX2's eight floats,
 * one for AVX-512's sixteen, each written on such a machine. (Summing eight lanes on AVX-512 too was
 * tried: a kernel on 256-bit vectors beside the 512-bit ones made C2 box the vectors of the other kernels,
 * an allocation per call, depending on which ran first.)
 *
 * <p>The Vector API's own {@code EXP} and {@code TANH}, which bytegrad used before, gave other bits on
 * each JDK and changed bits once C2 compiled them. A change that reorders arithmetic on purpose changes
 * the checksums: then check that each is the same on both JDKs and write the new ones here.
 */
class SameBitsTest {
  /** The parameters' CRC-32 by lanes per vector. */
  private static final java.util.Map<Integer, Long> CHECKSUMS = java.util.Map.of(8, 0x34fca26aL, 16, 0x1aef7822L);
  private static final int BATCH = 64;
  /** Enough for C2 to compile the array functions partway through (each step runs their loops some 1,100 times). */
  private static final int STEPS = 200;

  @Test
  void parametersAfterTwoHundredSteps_haveTheSameBitsOnEveryJdkAndBackend() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Vectors.implementation().equals("vector"), "the JVM has no jdk.incubator.vector");
    org.junit.jupiter.api.Assumptions.assumeTrue(CHECKSUMS.containsKey(Vectors.lanes()), "no checksum written for " + Vectors.lanes() + " lanes");
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      assertThat(Long.toHexString(train(backend))).as("%s, Java %s, %d lanes", backend, Runtime.version().feature(), Vectors.lanes())
          .isEqualTo(Long.toHexString(CHECKSUMS.get(Vectors.lanes())));
    }
  }

  private static long train(Backend backend) {
    Graph g = new Graph();
    Node x = g.input("x", BATCH, 20);
    Node y = g.input("y", DType.I32, BATCH);
    Node hidden = Layers.dense(x, "hidden", 64, Init.glorotUniform()).tanh();
    Node gate = Layers.dense(hidden, "gate", 64, Init.glorotUniform()).sigmoid();
    Node loss = Losses.crossEntropy(Layers.dense(gate, "output", 10, Init.glorotUniform()), y);
    TrainingGraph training = TrainingGraph.build(loss, g.parameters(), new Momentum(0.9), Regularization.NONE);
    Parameters values = Parameters.initialize(g, 7);
    Tensor[] parameters = g.parameters().stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
    CompiledFunction step = GraphCompiler.compileStep("bits", training, List.of(x, y), backend).instantiate(parameters);
    SplittableRandom random = new SplittableRandom(11);
    Tensor[] outputs = {Tensor.zeros(DType.F32, Shape.scalar())};
    for (int i = 0; i < STEPS; i++) {
      Tensor features = Tensor.zeros(DType.F32, Shape.of(BATCH, 20));
      Tensor labels = Tensor.zeros(DType.I32, Shape.of(BATCH));
      for (int row = 0; row < BATCH; row++) {
        labels.ints()[row] = random.nextInt(10);
        for (int column = 0; column < 20; column++) {
          features.floats()[row * 20 + column] = (float) (random.nextGaussian() * 3 + (column % 10 == labels.ints()[row] ? 2 : 0));
        }
      }
      step.run(new Tensor[] {features, labels, Tensor.scalar(DType.F32, 0.1)}, outputs);
    }
    CRC32 crc = new CRC32();
    for (Tensor parameter : parameters) {
      for (float value : parameter.floats()) {
        int bits = Float.floatToRawIntBits(value);
        crc.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
      }
    }
    return crc.getValue();
  }
}
