package dev.bytegrad.cli.zoo;

import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.train.Optimizer;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The functions a zoo model compiles to, for one batch size. The trainer and the {@code codegen},
 * {@code eval} and {@code gradcheck} commands build them here, so all compile the same thing:
 * <ul>
 *   <li>the training step: features, targets and learning rate in; loss and the model's output out
 *       (the output gives the running accuracy for free); parameters and optimizer state updated in place;
 *   <li>the evaluation: features and targets in; loss and output out;
 *   <li>the inference: features in; output out;
 *   <li>the loss and gradient: features and targets in; the loss and each parameter's gradient out, for
 *       full-batch L-BFGS and gradient checks.
 * </ul>
 */
public record Functions(Graph graph, ZooModel.Network network, Signature step, List<Node> parameters) {

  /** The training step of {@code model} for {@code batchSize} examples with the model's default optimizer. */
  public static Functions trainingStep(ZooModel model, Data.Dims dims, int batchSize) {
    ZooModel.Hyperparameters d = model.defaults();
    return trainingStep(model, dims, batchSize, Optimizer.named(d.optimizer(), d.momentum(), 0), Regularization.NONE);
  }

  /** The training step of {@code model} for {@code batchSize} examples with {@code optimizer}. */
  public static Functions trainingStep(ZooModel model, Data.Dims dims, int batchSize, Optimizer optimizer,
      Regularization regularization) {
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, batchSize, dims);
    TrainingGraph training = TrainingGraph.build(network.loss(), graph.parameters(), optimizer, regularization);
    List<Node> inputs = List.of(network.features(), network.targets(), training.learningRate());
    List<Node> parameters = graph.parameters();
    return new Functions(graph, network,
        new Signature(inputs, parameters, List.of(network.loss(), network.output()), training.updates()), parameters);
  }

  /** The loss and output of {@code model} for {@code batchSize} examples, no update. */
  public static Functions evaluation(ZooModel model, Data.Dims dims, int batchSize) {
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, batchSize, dims);
    List<Node> parameters = graph.parameters();
    return new Functions(graph, network, new Signature(List.of(network.features(), network.targets()), parameters,
        List.of(network.loss(), network.output()), Map.of()), parameters);
  }

  /** The forward pass of {@code model} for {@code batchSize} examples. */
  public static Functions inference(ZooModel model, Data.Dims dims, int batchSize) {
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, batchSize, dims);
    List<Node> parameters = graph.parameters();
    return new Functions(graph, network,
        new Signature(List.of(network.features()), parameters, List.of(network.output()), Map.of()), parameters);
  }

  /** The loss and its gradient with respect to every parameter, in the order of {@link #parameters()}. */
  public static Functions lossAndGradient(ZooModel model, Data.Dims dims, int batchSize) {
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, batchSize, dims);
    List<Node> parameters = graph.parameters();
    List<Node> outputs = new ArrayList<>(List.of(network.loss()));
    outputs.addAll(Autodiff.grad(network.loss(), parameters));
    return new Functions(graph, network,
        new Signature(List.of(network.features(), network.targets()), parameters, outputs, Map.of()), parameters);
  }

  /** {@code values}' tensor for each of {@link #parameters()}, in order: what a compiled function is instantiated with. */
  public Tensor[] bind(Parameters values) {
    return parameters.stream().map(p -> values.get(((Parameter) p.op()).name())).toArray(Tensor[]::new);
  }

  /** Zeros of each output's type, in order: the tensors a compiled function writes its outputs into. */
  public Tensor[] newOutputs() {
    return step.outputs().stream().map(node -> Tensor.zeros(node.dtype(), node.shape())).toArray(Tensor[]::new);
  }
}
