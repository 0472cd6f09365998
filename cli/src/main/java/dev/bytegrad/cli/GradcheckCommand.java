package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.graph.GradientCheck;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Parameters;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bytegrad gradcheck --model NAME}: compares the compiled gradient of a model's loss (f32, as
 * training computes it) with central finite differences of the loss evaluated in f64, on real
 * examples at the model's initial parameters, and reports the worst relative error. Exit status 1 when it
 * exceeds the tolerance.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Checks a model's compiled gradient against finite differences and reports the worst relative error.")
final class GradcheckCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private ModelMixin modelOptions;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "training examples in the checked loss (default: ${DEFAULT-VALUE})")
  private int batch;

  @Option(names = "--elements", paramLabel = "N", defaultValue = "50", description = "elements checked per parameter tensor, at random (default: ${DEFAULT-VALUE})")
  private int elements;

  @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-2",
      description = "largest relative error accepted; the compiled gradient is f32 (default: ${DEFAULT-VALUE})")
  private double tolerance;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "asm", description = "asm (the default), javapoet or interpreter")
  private String backend;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "seed of the initialization and the checked elements (default: ${DEFAULT-VALUE})")
  private long seed;

  @Option(names = "--json", description = "end the output with a one-line JSON summary")
  private boolean json;

  @Override
  public Integer call() {
    ZooModel zooModel = modelOptions.model(spec);
    if (batch < 1 || elements < 1) {
      throw new ParameterException(spec.commandLine(), "--batch and --elements must be at least 1");
    }
    Backend chosen = ModelOption.backend(spec, backend);
    Data dataSet = modelOptions.data(spec, zooModel, seed);
    Dataset examples = dataSet.train().select(IntStream.range(0, Math.min(batch, dataSet.train().size())).toArray());
    Functions functions = Functions.lossAndGradient(zooModel, dataSet.dims(), examples.size());
    Parameters parameters = Parameters.initialize(functions.graph(), seed);
    Tensor[] outputs = functions.newOutputs();
    GraphCompiler.compile(zooModel.name() + "_loss_and_gradient", functions.step(), chosen)
        .instantiate(functions.bind(parameters))
        .run(new Tensor[] {examples.features(), examples.targets()}, outputs);
    Map<Node, Tensor> feeds = new HashMap<>(parameters.feeds(functions.graph()));
    feeds.put(functions.network().features(), examples.features());
    feeds.put(functions.network().targets(), examples.targets());
    List<Tensor> compiled = new ArrayList<>(List.of(outputs).subList(1, outputs.length));
    GradientCheck.Report report = GradientCheck.compare(functions.network().loss(), functions.parameters(), feeds, compiled,
        GradientCheck.DEFAULT_STEP, elements, seed);
    boolean passes = report.passes(tolerance);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%s on %d examples of %s, %s backend: %d gradient elements checked against f64 finite differences%n",
        zooModel.name(), examples.size(), dataSet.spec(), chosen, report.elementsChecked());
    out.printf("worst relative error %.3g (tolerance %.3g): %s%n%s%n", report.worstRelativeError(), tolerance,
        passes ? "passed" : "FAILED", report.worst());
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("model", zooModel.name());
      summary.put("backend", chosen.toString());
      summary.put("elements_checked", report.elementsChecked());
      summary.put("worst_relative_error", report.worstRelativeError());
      summary.put("passed", passes);
      out.println(Json.object(summary));
    }
    out.flush();
    return passes ? 0 : 1;
  }
}
