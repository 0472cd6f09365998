package dev.bytegrad.cli.zoo;

import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.data.Dataset;
import dev.bytegrad.runtime.data.Idx;
import dev.bytegrad.runtime.data.Standardizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The data sets {@code --data} names:
 * <ul>
 *   <li>{@code digits}: the shipped 8x8 digits, pixels scaled to [0, 1], a seeded 80/20 train/test split;
 *   <li>{@code diabetes}: the shipped diabetes regression data, standardized with the training set's statistics;
 *   <li>{@code fashion-mnist}: Debian's {@code dataset-fashion-mnist} under {@value #FASHION_MNIST}, 60,000
 *       training and 10,000 test images, pixels scaled to [0, 1];
 *   <li>{@code idx:DIR}: MNIST-style IDX files in {@code DIR} ({@code train-images-idx3-ubyte},
 *       {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
 *       each raw or with {@code .gz}).
 * </ul>
 * A validation set of the asked fraction is held out of the training set with the seed.
 */
public final class DataSources {
  /** Where Debian's package puts Fashion-MNIST. */
  public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  /** The names {@code --data} accepts, for help and errors. */
  public static final List<String> NAMES = List.of("digits", "diabetes", "fashion-mnist", "idx:DIR");

  private DataSources() {}

  /** Loads the data set {@code spec}, holding out {@code validation} (in [0, 1)) of its training set. */
  public static Data load(String spec, double validation, long seed) {
    if (!(validation >= 0 && validation < 1)) {
      throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + validation);
    }
    Data data;
    if (spec.equals("digits")) {
      data = digits(seed);
    } else if (spec.equals("diabetes")) {
      data = diabetes(seed);
    } else if (spec.equals("fashion-mnist")) {
      data = fashionMnist(Path.of(FASHION_MNIST));
    } else if (spec.startsWith("idx:")) {
      data = idx(spec, Path.of(spec.substring(4)));
    } else {
      throw new IllegalArgumentException("unknown data set '" + spec + "'; choose one of " + String.join(", ", NAMES));
    }
    return validation == 0 ? data : holdOut(data, validation, seed);
  }

  /** Fashion-MNIST from {@code directory}; when it is missing, the error says how to install it. */
  static Data fashionMnist(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("Fashion-MNIST is not installed: " + directory + " does not exist. "
          + "Install it with 'apt-get install dataset-fashion-mnist', or download the four IDX files and use --data idx:DIR");
    }
    return idx("fashion-mnist", directory);
  }

  private static Data holdOut(Data data, double fraction, long seed) {
    // the split's "test" part is the validation set; a seed of its own keeps it apart from the test split
    Dataset.Split split = data.train().split(fraction, ~seed);
    return new Data(data.spec(), split.train(), split.test(), data.test(), data.classes(), fraction);
  }

  private static Data digits(long seed) {
    Dataset digits = BuiltinData.digits();
    Tensor x = digits.features().copy();
    float[] pixels = x.floats();
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] /= 16f;
    }
    Dataset.Split split = new Dataset(x, digits.targets()).split(0.2, seed);
    return new Data("digits", split.train(), null, split.test(), 10, 0);
  }

  private static Data diabetes(long seed) {
    Dataset.Split split = BuiltinData.diabetes().split(0.2, seed);
    Standardizer standardizer = Standardizer.fit(split.train().features());
    return new Data("diabetes", new Dataset(standardizer.apply(split.train().features()), split.train().targets()), null,
        new Dataset(standardizer.apply(split.test().features()), split.test().targets()), 0, 0);
  }

  private static Data idx(String name, Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("--data " + name + ": " + directory + " is not a directory");
    }
    Dataset train = new Dataset(Idx.readImages(file(directory, "train-images-idx3-ubyte"), 1 / 255.0),
        Idx.read(file(directory, "train-labels-idx1-ubyte")));
    Dataset test = new Dataset(Idx.readImages(file(directory, "t10k-images-idx3-ubyte"), 1 / 255.0),
        Idx.read(file(directory, "t10k-labels-idx1-ubyte")));
    int classes = 0;
    for (Tensor labels : List.of(train.targets(), test.targets())) {
      for (int label : labels.ints()) {
        if (label < 0 || label > 255) {
          throw new IllegalArgumentException(name + ": label " + label + " is not a class index");
        }
        classes = Math.max(classes, label + 1);
      }
    }
    return new Data(name, train, null, test, classes, 0);
  }

  /** {@code directory/name} or {@code directory/name.gz}, whichever exists. */
  private static Path file(Path directory, String name) {
    for (String candidate : List.of(name, name + ".gz")) {
      Path file = directory.resolve(candidate);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    throw new IllegalArgumentException("missing IDX file: neither " + directory.resolve(name) + " nor its .gz exists");
  }
}
