package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A training step run by the reference interpreter, in the graph's declared precision: evaluates the
 * loss and every update, then writes the updates into the parameters' tensors in place.
 */
public final class InterpretedStep {
  private final TrainingGraph training;
  private final Map<Node, Tensor> feeds;
  private final List<Node> outputs = new ArrayList<>();
  private final List<Tensor> targets = new ArrayList<>();
  private final Interpreter interpreter = Interpreter.declared();

  /** A step over {@code training}, updating {@code parameters}, which must hold every parameter and state. */
  public InterpretedStep(TrainingGraph training, Parameters parameters) {
    this.training = training;
    this.feeds = new HashMap<>(parameters.feeds(training.loss().graph()));
    outputs.add(training.loss());
    training.updates().forEach((node, next) -> {
      outputs.add(next);
      targets.add(feeds.get(node));
    });
  }

  /** Runs one step with {@code batch} feeding the graph's inputs; returns the loss before the update. */
  public double run(Map<Node, Tensor> batch, double learningRate) {
    feeds.putAll(batch);
    feeds.put(training.learningRate(), Tensor.scalar(training.learningRate().dtype(), learningRate));
    List<Tensor> values = interpreter.evaluate(outputs, feeds);
    for (int i = 0; i < targets.size(); i++) {
      targets.get(i).copyFrom(values.get(i + 1));
    }
    return values.get(0).getDouble(0);
  }
}
