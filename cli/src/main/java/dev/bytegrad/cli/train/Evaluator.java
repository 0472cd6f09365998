package dev.bytegrad.cli.train;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.Metrics;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.Compiled;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import java.util.stream.IntStream;

/**
 * A model's loss and score (accuracy, or mean squared error) on a whole data set, computed in chunks of
 * at most {@value #CHUNK} examples by compiled forward passes over the shared parameters, so that a large
 * test set needs no larger intermediates than a chunk's. The chunks' outputs are gathered, so the score
 * is the same as in one pass.
 */
public final class Evaluator {
  /** Examples per compiled forward pass. */
  static final int CHUNK = 256;

  private final ZooModel model;
  private final Dataset set;
  private final Pass full;
  private final Pass last;
  private final Tensor output;
  private final int[] rows;
  private double compileSeconds;

  /** A forward pass for one chunk size, with its input and output tensors. */
  private record Pass(int size, CompiledFunction function, Tensor[] inputs, Tensor[] outputs) {}

  /** An evaluator of {@code model} on {@code set}, compiled by {@code backend}, reading {@code parameters}. */
  public Evaluator(ZooModel model, Data.Dims dims, Dataset set, Backend backend, Parameters parameters) {
    this.model = model;
    this.set = set;
    int chunk = Math.min(CHUNK, set.size());
    this.full = pass(model, dims, chunk, backend, parameters);
    int remainder = set.size() % chunk;
    this.last = remainder == 0 ? null : pass(model, dims, remainder, backend, parameters);
    Tensor firstOutput = full.outputs()[1];
    this.output = Tensor.zeros(firstOutput.dtype(), firstOutput.shape().withDim(0, set.size()));
    this.rows = IntStream.range(0, set.size()).toArray();
  }

  private Pass pass(ZooModel zooModel, Data.Dims dims, int size, Backend backend, Parameters parameters) {
    Functions functions = Functions.evaluation(zooModel, dims, size);
    Compiled compiled = GraphCompiler.compile(zooModel.name() + "_evaluation_" + size, functions.step(), backend);
    compileSeconds += compiled.compileSeconds();
    Tensor x = Tensor.zeros(set.features().dtype(), set.features().shape().withDim(0, size));
    Tensor y = Tensor.zeros(set.targets().dtype(), set.targets().shape().withDim(0, size));
    return new Pass(size, compiled.instantiate(functions.bind(parameters)), new Tensor[] {x, y}, functions.newOutputs());
  }

  double compileSeconds() {
    return compileSeconds;
  }

  /** {@code {loss, score}} over the whole set with the parameters as they are now. */
  public double[] measure() {
    double lossSum = 0;
    int width = output.size() / Math.max(1, set.size());
    for (int start = 0; start < set.size(); start += full.size()) {
      Pass pass = set.size() - start >= full.size() ? full : last;
      set.copyRows(rows, start, pass.size(), pass.inputs()[0], pass.inputs()[1]);
      pass.function().run(pass.inputs(), pass.outputs());
      lossSum += pass.outputs()[0].getDouble(0) * pass.size();
      Tensor chunk = pass.outputs()[1];
      for (int i = 0; i < chunk.size(); i++) {
        output.setDouble(start * width + i, chunk.getDouble(i));
      }
    }
    double score = model.isClassifier() ? Metrics.accuracy(output, set.targets()) : Metrics.meanSquaredError(output, set.targets());
    return new double[] {lossSum / set.size(), score};
  }
}
