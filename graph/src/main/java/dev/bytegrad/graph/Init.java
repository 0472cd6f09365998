package dev.bytegrad.graph;

import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a parameter's initial values are drawn. Sampling is deterministic for a given random stream.
 *
 * <p>Fan-in and fan-out follow the layouts bytegrad uses: a matrix {@code [in, out]} (dense layers
 * compute {@code x.matmul(w)}); for rank 3 and above, {@code [out, in, k...]} (convolution kernels),
 * where the kernel's receptive field multiplies both; a vector has fan-in = fan-out = its length.
 */
public sealed interface Init {
  /** All zeros: biases and optimizer state. */
  record Zeros() implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return 0;
    }
  }

  /** Every element {@code value}. */
  record Constant(double value) implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return value;
    }
  }

  /** Uniform on {@code [low, high)}. */
  record Uniform(double low, double high) implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return low + (high - low) * random.nextDouble();
    }
  }

  /** Normal with the given mean and standard deviation. */
  record Normal(double mean, double stddev) implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return mean + stddev * gaussian(random);
    }
  }

  /** Glorot/Xavier uniform: {@code U(-a, a)}, {@code a = sqrt(6 / (fanIn + fanOut))}; for tanh and sigmoid. */
  record GlorotUniform() implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return Math.sqrt(6.0 / (fanIn + fanOut)) * (2 * random.nextDouble() - 1);
    }
  }

  /** Glorot/Xavier normal: standard deviation {@code sqrt(2 / (fanIn + fanOut))}. */
  record GlorotNormal() implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return Math.sqrt(2.0 / (fanIn + fanOut)) * gaussian(random);
    }
  }

  /** He/Kaiming normal: standard deviation {@code sqrt(2 / fanIn)}; for ReLU layers. */
  record HeNormal() implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return Math.sqrt(2.0 / fanIn) * gaussian(random);
    }
  }

  /** He/Kaiming uniform: {@code U(-a, a)}, {@code a = sqrt(6 / fanIn)}. */
  record HeUniform() implements Init {
    @Override
    public double draw(SplittableRandom random, int fanIn, int fanOut) {
      return Math.sqrt(6.0 / fanIn) * (2 * random.nextDouble() - 1);
    }
  }

  /** One element for a tensor with the given fans. */
  double draw(SplittableRandom random, int fanIn, int fanOut);

  static Init zeros() {
    return new Zeros();
  }

  static Init constant(double value) {
    return new Constant(value);
  }

  static Init uniform(double low, double high) {
    return new Uniform(low, high);
  }

  static Init normal(double mean, double stddev) {
    return new Normal(mean, stddev);
  }

  static Init glorotUniform() {
    return new GlorotUniform();
  }

  static Init glorotNormal() {
    return new GlorotNormal();
  }

  static Init heNormal() {
    return new HeNormal();
  }

  static Init heUniform() {
    return new HeUniform();
  }

  /** Draws a tensor of {@code type} from this distribution using {@code random}. */
  default Tensor sample(TensorType type, SplittableRandom random) {
    Tensor tensor = Tensor.zeros(type.dtype(), type.shape());
    int fanIn = Math.max(1, fanIn(type.shape()));
    int fanOut = Math.max(1, fanOut(type.shape()));
    for (int i = 0; i < tensor.size(); i++) {
      tensor.setDouble(i, draw(random, fanIn, fanOut));
    }
    return tensor;
  }

  /** Fan-in of a parameter of this shape (see the type's documentation for the layouts). */
  static int fanIn(Shape shape) {
    return switch (shape.rank()) {
      case 0 -> 1;
      case 1, 2 -> shape.dim(0);
      default -> shape.dim(1) * receptiveField(shape);
    };
  }

  /** Fan-out of a parameter of this shape. */
  static int fanOut(Shape shape) {
    return switch (shape.rank()) {
      case 0 -> 1;
      case 1 -> shape.dim(0);
      case 2 -> shape.dim(1);
      default -> shape.dim(0) * receptiveField(shape);
    };
  }

  private static int receptiveField(Shape shape) {
    return shape.size() / Math.max(1, shape.dim(0) * shape.dim(1));
  }

  /** A standard normal draw by the Box-Muller transform, the same on every JDK. */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** The text form: {@code glorot_uniform}, {@code normal(0.0, 0.01)}. */
  static String format(Init init) {
    String name = snakeName(init.getClass());
    var components = init.getClass().getRecordComponents();
    if (components.length == 0) {
      return name;
    }
    StringBuilder text = new StringBuilder(name).append('(');
    for (int i = 0; i < components.length; i++) {
      text.append(i == 0 ? "" : ", ").append(component(init, components[i]));
    }
    return text.append(')').toString();
  }

  private static String snakeName(Class<?> kind) {
    return kind.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static Object component(Init init, java.lang.reflect.RecordComponent component) {
    try {
      return component.getAccessor().invoke(init);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses the text form written by {@link #format}. */
  static Init parse(String text) {
    String trimmed = text.strip();
    int paren = trimmed.indexOf('(');
    String name = paren < 0 ? trimmed : trimmed.substring(0, paren).strip();
    String[] args = paren < 0 ? new String[0]
        : trimmed.substring(paren + 1, trimmed.lastIndexOf(')')).split(",");
    for (Class<?> kind : Init.class.getPermittedSubclasses()) {
      if (snakeName(kind).equals(name)) {
        double[] values = new double[args.length];
        for (int i = 0; i < args.length; i++) {
          values[i] = Double.parseDouble(args[i].strip());
        }
        return instantiate(kind, values);
      }
    }
    throw new IllegalArgumentException("unknown initializer '" + text + "'");
  }

  private static Init instantiate(Class<?> kind, double[] values) {
    var components = kind.getRecordComponents();
    if (components.length != values.length) {
      throw new IllegalArgumentException(
          "initializer " + kind.getSimpleName() + " takes " + components.length + " numbers, got " + values.length);
    }
    Class<?>[] types = new Class<?>[values.length];
    Object[] arguments = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      types[i] = double.class;
      arguments[i] = values[i];
    }
    try {
      return (Init) kind.getDeclaredConstructor(types).newInstance(arguments);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + kind.getSimpleName(), e);
    }
  }
}
