package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GraphPrinter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Topology;
import dev.bytegrad.graph.op.MatMul;
import dev.bytegrad.graph.rewrite.Rewriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bytegrad inspect --model NAME}: the model's forward graph, its derivative graph before and after
 * simplification, and what each rewrite phase did.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Prints a model's forward graph, its derivative graph before and after simplification, and node counts per phase.")
final class InspectCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private ModelMixin modelOptions;

  @Option(names = {"--batch", "--batch-size"}, paramLabel = "N", description = "examples per batch (default: the model's)")
  private Integer batchSize;

  @Override
  public Integer call() {
    ZooModel zooModel = modelOptions.model(spec);
    Graph graph = new Graph();
    ZooModel.Network network = zooModel.build(graph, batchSize != null ? batchSize : zooModel.defaults().batchSize(),
        modelOptions.data(spec, zooModel, 1).dims());
    List<Node> derivative = new ArrayList<>(List.of(network.loss()));
    derivative.addAll(Autodiff.grad(network.loss(), graph.parameters()));
    Rewriter.Result simplified = Rewriter.simplify(derivative);
    PrintWriter out = spec.commandLine().getOut();
    out.println("# forward graph: " + zooModel.name() + " (" + nodes(List.of(network.loss())) + " nodes)");
    out.print(GraphPrinter.print(List.of(network.loss())));
    out.println();
    out.println("# loss and gradients, as differentiated (" + nodes(derivative) + " nodes, " + matmuls(derivative) + " matmuls)");
    out.print(GraphPrinter.print(derivative));
    out.println();
    out.println("# loss and gradients, simplified (" + nodes(simplified.outputs()) + " nodes, " + matmuls(simplified.outputs()) + " matmuls)");
    out.print(GraphPrinter.print(simplified.outputs()));
    out.println();
    out.println("# nodes after each phase");
    simplified.nodeCounts().forEach((phase, count) -> out.printf("%-16s %d%n", phase, count));
    out.println("# rules that fired");
    simplified.firings().forEach((rule, count) -> out.printf("%-24s %d%n", rule, count));
    out.flush();
    return 0;
  }

  private static int nodes(List<Node> outputs) {
    return Topology.reachable(outputs).size();
  }

  private static long matmuls(List<Node> outputs) {
    return Topology.reachable(outputs).stream().filter(n -> n.op() instanceof MatMul).count();
  }
}
