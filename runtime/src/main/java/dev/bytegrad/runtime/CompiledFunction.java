package dev.bytegrad.runtime;

/**
 * What every generated class implements: a compiled graph function — a training step (loss out,
 * parameters and optimizer state updated in place) or an inference function.
 *
 * <p>A generated class is constructed with the tensors of its parameters, in the order its compiler
 * reported, and keeps them: it reads and updates their backing arrays directly. Each call reads the
 * input tensors and writes the output tensors, in the orders its compiler reported, and allocates
 * nothing. Instances are not thread-safe: they own one preallocated arena of intermediates.
 */
public interface CompiledFunction {
  /** Runs the function on {@code inputs}, writing {@code outputs}. */
  void run(Tensor[] inputs, Tensor[] outputs);
}
