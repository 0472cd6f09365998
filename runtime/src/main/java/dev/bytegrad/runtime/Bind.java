package dev.bytegrad.runtime;

/**
 * The checked access generated code uses to take a tensor's backing array: the dtype and the number of
 * elements must be what the function was compiled for, or the call fails naming the argument.
 */
public final class Bind {
  private Bind() {}

  public static float[] f32(Tensor tensor, int size, String name) {
    check(tensor, DType.F32, size, name);
    return tensor.floats();
  }

  public static double[] f64(Tensor tensor, int size, String name) {
    check(tensor, DType.F64, size, name);
    return tensor.doubles();
  }

  public static int[] i32(Tensor tensor, int size, String name) {
    check(tensor, DType.I32, size, name);
    return tensor.ints();
  }

  private static void check(Tensor tensor, DType dtype, int size, String name) {
    if (tensor == null) {
      throw new IllegalArgumentException("no tensor given for '" + name + "'");
    }
    if (tensor.dtype() != dtype || tensor.size() != size) {
      throw new IllegalArgumentException("'" + name + "' must be " + dtype + " with " + size
          + " elements, got " + tensor.dtype() + tensor.shape());
    }
  }
}
