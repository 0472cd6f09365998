package dev.bytegrad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.Zoo;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written LeNet step computes what the compiled one does: the same losses and parameters. */
class HandWrittenLeNetStepTest {
  @Test
  void handWrittenLeNet_matchesTheCompiledStep_overThreeSteps() {
    int batch = 8;
    Functions functions = Functions.trainingStep(Zoo.get("lenet"), new Data.Dims(784, 10), batch, new Momentum(0.9), Regularization.NONE);
    assertThat(functions.parameters().stream().map(p -> ((Parameter) p.op()).name()).toList()).startsWith(
        "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "dense.weight", "dense.bias", "output.weight", "output.bias");
    Parameters compiledValues = Parameters.initialize(functions.graph(), 4);
    Parameters handValues = compiledValues.copy();
    CompiledFunction compiled = GraphCompiler.compile("lenet_step", functions.step(), Backend.ASM).instantiate(functions.bind(compiledValues));
    CompiledFunction hand = new HandWrittenLeNetStep(batch, functions.bind(handValues));
    SplittableRandom random = new SplittableRandom(9);
    Tensor x = Tensor.zeros(DType.F32, Shape.of(batch, 784));
    Tensor y = Tensor.zeros(DType.I32, Shape.of(batch));
    for (int step = 0; step < 3; step++) {
      for (int i = 0; i < x.size(); i++) {
        x.floats()[i] = (float) random.nextDouble();
      }
      for (int i = 0; i < batch; i++) {
        y.ints()[i] = random.nextInt(10);
      }
      Tensor[] inputs = {x, y, Tensor.scalar(DType.F32, 0.05)};
      Tensor[] compiledOut = functions.newOutputs();
      Tensor[] handOut = {Tensor.scalar(DType.F32, 0)};
      compiled.run(inputs, compiledOut);
      hand.run(inputs, handOut);
      assertThat(handOut[0].getDouble(0)).as("loss at step %d", step).isCloseTo(compiledOut[0].getDouble(0), org.assertj.core.api.Assertions.within(1e-4));
    }
    compiledValues.asMap().forEach((name, tensor) -> {
      double[] want = tensor.toDoubleArray();
      double[] got = handValues.get(name).toDoubleArray();
      for (int i = 0; i < want.length; i++) {
        assertThat(Math.abs(got[i] - want[i])).as("%s[%d]", name, i).isLessThan(2e-4 * (1 + Math.abs(want[i])));
      }
    });
  }
}
