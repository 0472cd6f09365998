package dev.bytegrad.codegen;

import dev.bytegrad.codegen.emit.AsmEmitter;
import dev.bytegrad.codegen.emit.HiddenClasses;
import dev.bytegrad.codegen.emit.JavaCompilation;
import dev.bytegrad.codegen.emit.JavaEmitter;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.lower.Lowering;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Verifier;
import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.rewrite.Rewriter;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.KernelTimes;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.Vectors;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Function;

/**
 * The compile pipeline, read top to bottom: a graph function's signature is simplified by the rewrite
 * engine, lowered to the loop IR (fusion, kernels, schedule, memory plan), emitted by the chosen
 * backend, and loaded.
 *
 * <pre>{@code
 * Compiled step = GraphCompiler.compileStep("mlp", training, inputs, Backend.ASM);
 * CompiledFunction run = step.instantiate(parameterTensors);
 * run.run(new Tensor[] {x, y, learningRate}, new Tensor[] {loss});
 * }</pre>
 */
public final class GraphCompiler {
  private GraphCompiler() {}

  /**
   * A training step: inputs in the given order (then the learning rate), the loss as the one output,
   * every parameter and optimizer state updated in place.
   */
  public static Compiled compileStep(String name, TrainingGraph training, List<Node> inputs, Backend backend) {
    List<Node> allInputs = new java.util.ArrayList<>(inputs);
    allInputs.add(training.learningRate());
    List<Node> parameters = training.loss().graph().parameters();
    return compile(name, new Signature(allInputs, parameters, List.of(training.loss()), training.updates()), backend);
  }

  /**
   * Compiles {@code signature} into a class called {@code name}, with {@code backend}; with vector loops
   * when the JVM has the Vector API and the runtime uses it ({@link Vectors#implementation()}).
   */
  public static Compiled compile(String name, Signature signature, Backend backend) {
    return compile(name, signature, backend, Vectors.implementation().equals("vector"));
  }

  /**
   * Compiles {@code signature} as {@link #compile(String, Signature, Backend)} does, into a class that
   * also times each of its kernels: {@link KernelTimes#of} gives their times. Same results, bit for bit.
   */
  public static Compiled compileTimed(String name, Signature signature, Backend backend) {
    return compile(name, signature, backend, Vectors.implementation().equals("vector"), true);
  }

  /**
   * Compiles {@code signature} into a class called {@code name}, with {@code backend}: with
   * {@code vectorLoops}, the loops of lanewise work run on the Vector API (see
   * {@link dev.bytegrad.codegen.lower.Lowering#lower(String, Signature, boolean)}), with the same results.
   */
  public static Compiled compile(String name, Signature signature, Backend backend, boolean vectorLoops) {
    return compile(name, signature, backend, vectorLoops, false);
  }

  /**
   * Compiles {@code signature} as {@link #compile(String, Signature, Backend, boolean)} does; with
   * {@code timedKernels}, the class also times each of its kernels, for {@link KernelTimes#of} (the
   * interpreter has no kernels: asking it to time them is an error).
   */
  public static Compiled compile(String name, Signature signature, Backend backend, boolean vectorLoops, boolean timedKernels) {
    if (timedKernels && backend == Backend.INTERPRETER) {
      throw new IllegalArgumentException("the interpreter runs graph nodes, not kernels: time kernels with the asm or javapoet backend");
    }
    long start = System.nanoTime();
    Verifier.check("building", roots(signature));
    Signature simplified = simplify(signature);
    Verifier.check("simplification", roots(simplified));
    Program program = Lowering.lower(name, simplified, vectorLoops && backend != Backend.INTERPRETER);
    String source = null;
    byte[] classFile = null;
    Function<Tensor[], CompiledFunction> factory;
    switch (backend) {
      case INTERPRETER -> factory = parameters -> new InterpretedFunction(simplified, parameters);
      case JAVAPOET -> {
        source = JavaEmitter.emit(program, JavaEmitter.PACKAGE, timedKernels);
        factory = constructor(JavaCompilation.compile(JavaEmitter.PACKAGE + "." + program.name(), source));
      }
      case ASM -> {
        classFile = AsmEmitter.emit(program, HiddenClasses.PACKAGE + program.name(), timedKernels);
        factory = constructor(HiddenClasses.define(classFile));
      }
      default -> throw new IllegalStateException("unknown backend " + backend);
    }
    return new Compiled(simplified, backend, program, source, classFile, (System.nanoTime() - start) / 1e9, factory);
  }

  private static List<Node> roots(Signature signature) {
    List<Node> roots = new java.util.ArrayList<>(signature.outputs());
    roots.addAll(signature.updates().values());
    return roots;
  }

  /**
   * The signature over the simplified graph: inputs and parameters in the same order (found again by
   * their ops), outputs and updates rewritten. When simplification reduces a result to a bare input,
   * parameter or constant, or makes two results one node, the function is compiled as it was given.
   */
  public static Signature simplify(Signature signature) {
    List<Node> roots = roots(signature);
    if (roots.isEmpty()) {
      return signature;
    }
    List<Node> rewritten = Rewriter.simplify(roots).outputs();
    boolean lowerable = rewritten.stream().noneMatch(node -> node.op() instanceof Leaf)
        && rewritten.stream().distinct().count() == rewritten.size();
    if (!lowerable) {
      return signature;
    }
    Graph target = rewritten.get(0).graph();
    java.util.function.UnaryOperator<Node> leaf = node -> target.apply(node.op());
    int outputs = signature.outputs().size();
    java.util.Map<Node, Node> updates = new java.util.LinkedHashMap<>();
    int next = outputs;
    for (Node parameter : signature.updates().keySet()) {
      updates.put(leaf.apply(parameter), rewritten.get(next++));
    }
    return new Signature(signature.inputs().stream().map(leaf).toList(), signature.parameters().stream().map(leaf).toList(),
        rewritten.subList(0, outputs), updates);
  }

  private static Function<Tensor[], CompiledFunction> constructor(Class<?> generated) {
    MethodHandle constructor;
    try {
      constructor = MethodHandles.publicLookup().findConstructor(generated, MethodType.methodType(void.class, Tensor[].class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("generated class " + generated.getName() + " has no (Tensor[]) constructor", e);
    }
    return parameters -> {
      try {
        return (CompiledFunction) constructor.invoke((Object) parameters);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
