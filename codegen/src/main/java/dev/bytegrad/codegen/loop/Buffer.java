package dev.bytegrad.codegen.loop;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;

/**
 * A one-dimensional array of elements that kernels read and write: an input or output slot of the
 * call, a parameter (updated in place), an embedded constant, or a temporary that lives in the arena
 * of its dtype at the offset its program's memory plan gives.
 *
 * @param name a Java identifier, unique in its program
 * @param slot the index among inputs, outputs, parameters or constants; -1 for a temporary
 * @param constant the values of a constant, else null
 */
public record Buffer(String name, DType dtype, int size, Kind kind, int slot, Tensor constant) {
  /** Where a buffer's storage comes from. */
  public enum Kind { INPUT, OUTPUT, PARAMETER, CONSTANT, TEMPORARY }

  @Override
  public String toString() {
    return name;
  }
}
