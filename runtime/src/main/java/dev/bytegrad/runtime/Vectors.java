package dev.bytegrad.runtime;

/**
 * The transcendental functions over whole arrays of f32, for the kernels of generated code that apply
 * one to many elements (an LSTM's gates, a softmax's exponentials), and the addition of one run of
 * elements to another ({@link #accumulate}): {@code dst[dstOffset + i] = f(src[srcOffset + i])}
 * for {@code i < n}. On the Vector API (when the JVM has {@code jdk.incubator.vector}) they run eight
 * lanes at a time, about 1 ns an element for {@code exp} and 2 for {@code tanh}; otherwise one element at
 * a time, 5 to 10 ns. Both compute {@link FloatFunctions}' sequence of float operations, so they give the same bits,
 * interpreted or compiled, on any JDK: a run's results depend neither on the thread count nor on when
 * the JIT compiled what.
 */
public final class Vectors {
  /** The implementation in use, chosen once like {@link Gemm}'s. */
  interface Functions {
    void exp(float[] src, int srcOffset, float[] dst, int dstOffset, int n);

    void tanh(float[] src, int srcOffset, float[] dst, int dstOffset, int n);

    void sigmoid(float[] src, int srcOffset, float[] dst, int dstOffset, int n);

    void accumulate(float[] src, int srcOffset, float[] dst, int dstOffset, int n);

    int lanes();
  }

  private static final Functions FUNCTIONS = choose();

  private Vectors() {}

  public static void exp(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    FUNCTIONS.exp(src, srcOffset, dst, dstOffset, n);
  }

  public static void tanh(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    FUNCTIONS.tanh(src, srcOffset, dst, dstOffset, n);
  }

  /** {@code 1 / (1 + exp(-x))}. */
  public static void sigmoid(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    FUNCTIONS.sigmoid(src, srcOffset, dst, dstOffset, n);
  }

  /**
   * {@code dst[dstOffset + i] += src[srcOffset + i]}: one addition an element, so the same bits whichever
   * implementation runs. The two ranges must not overlap. Generated code calls it for the rows of a
   * reduction or a scatter-add (a bias's gradient summed over a batch, a convolution's col2im), where the
   * JIT does not vectorize the loop itself: both ranges lie in the one arena array, at a distance it
   * cannot see.
   */
  public static void accumulate(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    FUNCTIONS.accumulate(src, srcOffset, dst, dstOffset, n);
  }

  /**
   * {@code dst[dstOffset + i] = src[srcOffset + i]}, by {@link System#arraycopy}: generated code calls it
   * for the loops copying a run of elements whose indices the JIT does not see as one run (a scan's slices
   * and outputs, at an offset of the step), which it would leave scalar.
   */
  public static void copy(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    System.arraycopy(src, srcOffset, dst, dstOffset, n);
  }

  /** {@code "vector"} or {@code "scalar"}. */
  public static String implementation() {
    return FUNCTIONS instanceof ScalarFunctions ? "scalar" : "vector";
  }

  /**
   * Floats per vector in the kernels: 8 with AVX2, 16 with AVX-512, 1 without the Vector API. The
   * products' dot products (a classifier's few columns, see {@code SkinnyProduct}) sum every lanes-th
   * product in a lane and add the lanes at the end, so a run's bits depend on it: the same on every JDK,
   * backend and thread count, and on any machine with as many lanes.
   */
  public static int lanes() {
    return FUNCTIONS.lanes();
  }

  private static Functions choose() {
    String forced = System.getProperty("bytegrad.gemm", "");
    boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    return vectorModule && !forced.equals("scalar") ? new VectorFunctions() : new ScalarFunctions();
  }

  /** Plain loops, for JVMs without the Vector API. */
  static final class ScalarFunctions implements Functions {
    @Override
    public void exp(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOffset + i] = FloatFunctions.exp(src[srcOffset + i]);
      }
    }

    @Override
    public void tanh(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOffset + i] = FloatFunctions.tanh(src[srcOffset + i]);
      }
    }

    @Override
    public void sigmoid(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOffset + i] = FloatFunctions.sigmoid(src[srcOffset + i]);
      }
    }

    @Override
    public void accumulate(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOffset + i] += src[srcOffset + i];
      }
    }

    @Override
    public int lanes() {
      return 1;
    }
  }
}
