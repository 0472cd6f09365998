package dev.bytegrad.cli.unsupervised;

import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.Compiled;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.train.Lbfgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Full-batch L-BFGS on a compiled loss and gradient: the loss of a graph, differentiated with respect to
 * some of its parameters (the others, and the inputs, held fixed), compiled once, and minimized in place
 * in the parameter tensors of {@code values}.
 */
final class Minimizer {
  private final CompiledFunction function;
  private final Tensor[] outputs;
  private final List<Tensor> optimized;
  private final int size;
  private Tensor[] inputs;

  Minimizer(String name, Node loss, List<Node> inputNodes, List<Node> optimizedNodes, Parameters values, Backend backend) {
    List<Node> outputNodes = new ArrayList<>(List.of(loss));
    outputNodes.addAll(Autodiff.grad(loss, optimizedNodes));
    List<Node> parameters = loss.graph().parameters();
    Compiled compiled = GraphCompiler.compile(name, new Signature(inputNodes, parameters, outputNodes, Map.of()), backend);
    function = compiled.instantiate(parameters.stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new));
    outputs = outputNodes.stream().map(n -> Tensor.zeros(n.dtype(), n.shape())).toArray(Tensor[]::new);
    optimized = optimizedNodes.stream().map(p -> values.get(((Parameter) p.op()).name())).toList();
    size = optimized.stream().mapToInt(Tensor::size).sum();
  }

  /** The loss for {@code inputValues} at the current parameters. */
  double loss(Tensor[] inputValues) {
    function.run(inputValues, outputs);
    return outputs[0].getDouble(0);
  }

  /** Runs L-BFGS from the current parameters for at most {@code iterations}; the parameters end at its result. */
  Lbfgs.Result minimize(Tensor[] inputValues, int iterations, Lbfgs.Progress progress) {
    this.inputs = inputValues;
    double[] start = new double[size];
    int offset = 0;
    for (Tensor tensor : optimized) {
      for (int i = 0; i < tensor.size(); i++) {
        start[offset++] = tensor.getDouble(i);
      }
    }
    Lbfgs.Result result = Lbfgs.minimize((x, gradient) -> {
      scatter(x);
      function.run(inputs, outputs);
      int at = 0;
      for (int t = 1; t < outputs.length; t++) {
        for (int i = 0; i < outputs[t].size(); i++) {
          gradient[at++] = outputs[t].getDouble(i);
        }
      }
      return outputs[0].getDouble(0);
    }, start, Lbfgs.Options.defaults().withMaxIterations(iterations), progress);
    scatter(result.x());
    return result;
  }

  private void scatter(double[] x) {
    int offset = 0;
    for (Tensor tensor : optimized) {
      for (int i = 0; i < tensor.size(); i++) {
        tensor.setDouble(i, x[offset++]);
      }
    }
  }
}
