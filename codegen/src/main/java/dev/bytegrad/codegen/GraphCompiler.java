package dev.bytegrad.codegen;

import dev.bytegrad.codegen.emit.AsmEmitter;
import dev.bytegrad.codegen.emit.HiddenClasses;
import dev.bytegrad.codegen.emit.JavaCompilation;
import dev.bytegrad.codegen.emit.JavaEmitter;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.lower.Lowering;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Tensor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Function;

/**
 * The compile pipeline, read top to bottom: a graph function's signature is lowered to the loop IR
 * (fusion, kernels, schedule, memory plan), emitted by the chosen backend, and loaded.
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

  /** Compiles {@code signature} into a class called {@code name}, with {@code backend}. */
  public static Compiled compile(String name, Signature signature, Backend backend) {
    long start = System.nanoTime();
    Program program = Lowering.lower(name, signature);
    String source = null;
    byte[] classFile = null;
    Function<Tensor[], CompiledFunction> factory;
    switch (backend) {
      case INTERPRETER -> factory = parameters -> new InterpretedFunction(signature, parameters);
      case JAVAPOET -> {
        source = JavaEmitter.emit(program);
        factory = constructor(JavaCompilation.compile(JavaEmitter.PACKAGE + "." + program.name(), source));
      }
      case ASM -> {
        classFile = AsmEmitter.emit(program, HiddenClasses.PACKAGE + program.name());
        factory = constructor(HiddenClasses.define(classFile));
      }
      default -> throw new IllegalStateException("unknown backend " + backend);
    }
    return new Compiled(signature, backend, program, source, classFile, (System.nanoTime() - start) / 1e9, factory);
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
