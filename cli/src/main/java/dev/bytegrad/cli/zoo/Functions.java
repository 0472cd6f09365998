package dev.bytegrad.cli.zoo;

import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.train.Momentum;
import dev.bytegrad.graph.train.Optimizer;
import dev.bytegrad.graph.train.Sgd;
import dev.bytegrad.graph.train.TrainingGraph;
import java.util.List;
import java.util.Map;

/**
 * The two functions a zoo model compiles to, for one batch size: the training step (features,
 * targets and learning rate in; loss out; parameters and optimizer state updated in place) and the
 * forward-only inference (features in, the model's output out). The trainer and the {@code codegen}
 * command build them here, so both compile the same thing.
 */
public record Functions(Graph graph, ZooModel.Network network, Signature step, List<Node> parameters) {

  /** The training step of {@code model} for {@code batchSize} examples, SGD with {@code momentum} (0 for none). */
  public static Functions trainingStep(ZooModel model, int batchSize, double momentum) {
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, batchSize);
    Optimizer optimizer = momentum > 0 ? new Momentum(momentum) : new Sgd();
    TrainingGraph training = TrainingGraph.build(network.loss(), graph.parameters(), optimizer);
    List<Node> inputs = List.of(network.features(), network.targets(), training.learningRate());
    List<Node> parameters = graph.parameters();
    return new Functions(graph, network, new Signature(inputs, parameters, List.of(network.loss()), training.updates()), parameters);
  }

  /** The forward pass of {@code model} for {@code batchSize} examples. */
  public static Functions inference(ZooModel model, int batchSize) {
    Graph graph = new Graph();
    ZooModel.Network network = model.build(graph, batchSize);
    List<Node> parameters = graph.parameters();
    return new Functions(graph, network,
        new Signature(List.of(network.features()), parameters, List.of(network.output()), Map.of()), parameters);
  }
}
