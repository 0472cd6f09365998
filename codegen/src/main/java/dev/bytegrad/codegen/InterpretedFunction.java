package dev.bytegrad.codegen;

import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A signature run by the reference interpreter behind the same interface as compiled code: the
 * baseline the compiled backends are measured and tested against. It allocates on every call.
 */
final class InterpretedFunction implements CompiledFunction {
  private final Signature signature;
  private final Map<Node, Tensor> parameters = new HashMap<>();
  private final List<Node> evaluated = new ArrayList<>();
  private final Interpreter interpreter = Interpreter.declared();

  InterpretedFunction(Signature signature, Tensor[] parameters) {
    this.signature = signature;
    for (int i = 0; i < signature.parameters().size(); i++) {
      this.parameters.put(signature.parameters().get(i), parameters[i]);
    }
    evaluated.addAll(signature.outputs());
    evaluated.addAll(signature.updates().values());
  }

  @Override
  public void run(Tensor[] inputs, Tensor[] outputs) {
    Map<Node, Tensor> feeds = new HashMap<>(parameters);
    for (int i = 0; i < signature.inputs().size(); i++) {
      feeds.put(signature.inputs().get(i), inputs[i]);
    }
    List<Tensor> values = interpreter.evaluate(evaluated, feeds);
    int count = signature.outputs().size();
    for (int i = 0; i < count; i++) {
      outputs[i].copyFrom(values.get(i));
    }
    int next = count;
    for (Node target : signature.updates().keySet()) {
      parameters.get(target).copyFrom(values.get(next++));
    }
  }
}
