package dev.bytegrad.codegen;

import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Tensor;
import java.util.function.Function;

/**
 * A compiled graph function: its signature, its loop-IR program, the artifacts of its backend (Java
 * source or a class file), and a factory of instances bound to parameter tensors.
 */
public record Compiled(Signature signature, Backend backend, Program program, String javaSource, byte[] classFile,
    double compileSeconds, Function<Tensor[], CompiledFunction> factory) {

  /** An instance reading and updating {@code parameters}, in the signature's parameter order. */
  public CompiledFunction instantiate(Tensor... parameters) {
    if (parameters.length != signature.parameters().size()) {
      throw new IllegalArgumentException("the function takes " + signature.parameters().size()
          + " parameters, got " + parameters.length);
    }
    return factory.apply(parameters);
  }
}
