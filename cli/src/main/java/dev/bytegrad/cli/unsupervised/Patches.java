package dev.bytegrad.cli.unsupervised;

import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Square image patches for feature learning, as rows of {@code side²} values: sampled at random places
 * of the shipped natural photograph ({@code camera.png}, CC0, from scikit-image) or of a set of images.
 */
public final class Patches {
  private Patches() {}

  /** The shipped photograph, 512x512, gray levels in [0, 1], row-major. */
  public static double[] camera() {
    try (InputStream in = Patches.class.getResourceAsStream("/dev/bytegrad/cli/data/camera.png")) {
      if (in == null) {
        throw new IllegalStateException("the shipped photograph camera.png is missing from the classpath");
      }
      BufferedImage image = ImageIO.read(in);
      double[] pixels = new double[image.getWidth() * image.getHeight()];
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          pixels[y * image.getWidth() + x] = image.getRaster().getSample(x, y, 0) / 255.0;
        }
      }
      return pixels;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read camera.png: " + e.getMessage(), e);
    }
  }

  /** {@code count} patches of {@code side x side} from {@code images [N, height*width]} (row-major), at seeded random places. */
  public static Tensor sample(double[] images, int imageCount, int height, int width, int side, int count, long seed) {
    if (side > height || side > width) {
      throw new IllegalArgumentException("patches of " + side + "x" + side + " do not fit " + height + "x" + width + " images");
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] out = new float[count * side * side];
    for (int p = 0; p < count; p++) {
      int image = random.nextInt(imageCount);
      int top = random.nextInt(height - side + 1);
      int left = random.nextInt(width - side + 1);
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          out[(p * side + r) * side + c] = (float) images[image * height * width + (top + r) * width + left + c];
        }
      }
    }
    return Tensor.ofFloats(Shape.of(count, side * side), out);
  }

  /** {@code count} patches from f32 images {@code [N, height*width]} at seeded random places. */
  public static Tensor sample(Tensor images, int height, int width, int side, int count, long seed) {
    int n = images.shape().dim(0);
    float[] pixels = images.floats();
    if (side > height || side > width) {
      throw new IllegalArgumentException("patches of " + side + "x" + side + " do not fit " + height + "x" + width + " images");
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] out = new float[count * side * side];
    for (int p = 0; p < count; p++) {
      int image = random.nextInt(n);
      int top = random.nextInt(height - side + 1);
      int left = random.nextInt(width - side + 1);
      for (int r = 0; r < side; r++) {
        System.arraycopy(pixels, image * height * width + (top + r) * width + left, out, (p * side + r) * side, side);
      }
    }
    return Tensor.ofFloats(Shape.of(count, side * side), out);
  }

  /**
   * The normalization of the sparse-autoencoder exercise (UFLDL): remove each patch's mean, clip to
   * three standard deviations of all values, and map [−3σ, 3σ] to [0.1, 0.9], the range a sigmoid
   * decoder can produce.
   */
  public static Tensor normalizeForSigmoid(Tensor patches) {
    int m = patches.shape().dim(0);
    int n = patches.shape().dim(1);
    float[] x = removeMean(patches).floats();
    double squares = 0;
    for (float v : x) {
      squares += v * v;
    }
    double bound = 3 * Math.sqrt(squares / (m * (double) n));
    for (int i = 0; i < x.length; i++) {
      double clipped = Math.max(-bound, Math.min(bound, x[i]));
      x[i] = (float) ((clipped / bound + 1) * 0.4 + 0.1);
    }
    return Tensor.ofFloats(Shape.of(m, n), x);
  }

  /** Each patch minus its own mean (the DC component), before whitening. */
  public static Tensor removeMean(Tensor patches) {
    int m = patches.shape().dim(0);
    int n = patches.shape().dim(1);
    float[] x = patches.floats().clone();
    for (int i = 0; i < m; i++) {
      double mean = 0;
      for (int j = 0; j < n; j++) {
        mean += x[i * n + j] / n;
      }
      for (int j = 0; j < n; j++) {
        x[i * n + j] -= (float) mean;
      }
    }
    return Tensor.ofFloats(Shape.of(m, n), x);
  }
}
