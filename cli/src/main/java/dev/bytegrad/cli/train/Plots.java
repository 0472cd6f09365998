package dev.bytegrad.cli.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The learning curves of a run, drawn with XChart into PNG files (headless: no display needed). */
public final class Plots {
  private Plots() {}

  /**
   * Writes {@code patches [k][side*side]} as a grid of grayscale tiles, each scaled symmetrically around
   * zero by its own largest magnitude (mid-gray is 0), {@code scale} pixels per value: learned features
   * shown as the input patch each one responds to.
   */
  public static void patches(Path file, double[][] patches, int side, int scale) {
    int count = patches.length;
    int columns = (int) Math.ceil(Math.sqrt(count));
    int rows = (count + columns - 1) / columns;
    int tile = side * scale + 2;
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(columns * tile + 2, rows * tile + 2,
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    for (int f = 0; f < count; f++) {
      double largest = 0;
      for (double v : patches[f]) {
        largest = Math.max(largest, Math.abs(v));
      }
      for (int a = 0; a < side; a++) {
        for (int b = 0; b < side; b++) {
          double value = patches[f][a * side + b];
          int gray = largest > 0 ? (int) Math.round(127.5 + 127.5 * value / largest) : 128;
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              image.getRaster().setSample(2 + (f % columns) * tile + b * scale + dx, 2 + (f / columns) * tile + a * scale + dy, 0, gray);
            }
          }
        }
      }
    }
    writeImage(image, file);
  }

  /** Writes one chart of named series over epochs 1, 2, ... into {@code file}; NaN values are left out. */
  public static void lines(Path file, String title, String yAxis, java.util.Map<String, double[]> series) {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = chart(title, yAxis);
    series.forEach((name, values) -> {
      double[] x = java.util.stream.IntStream.range(0, values.length).filter(i -> Double.isFinite(values[i])).mapToDouble(i -> i + 1).toArray();
      double[] y = java.util.Arrays.stream(values).filter(Double::isFinite).toArray();
      if (x.length > 0) {
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
      }
    });
    write(chart, file);
  }

  /** Writes {@code loss.png} and {@code accuracy.png} (classifiers) or {@code mse.png} (regression) into {@code directory}. */
  static void curves(Path directory, List<Trainer.Epoch> history, boolean classifier) {
    System.setProperty("java.awt.headless", "true");
    XYChart loss = chart("Loss", "loss");
    add(loss, "training", history, Trainer.Epoch::trainLoss);
    add(loss, "validation", history, Trainer.Epoch::validationLoss);
    add(loss, "test", history, Trainer.Epoch::testLoss);
    write(loss, directory.resolve("loss.png"));
    String score = classifier ? "accuracy" : "mse";
    XYChart scores = chart(classifier ? "Accuracy" : "Mean squared error", score);
    add(scores, "training", history, Trainer.Epoch::trainScore);
    add(scores, "validation", history, Trainer.Epoch::validationScore);
    add(scores, "test", history, Trainer.Epoch::testScore);
    write(scores, directory.resolve(score + ".png"));
  }

  /**
   * Writes the kernels of a first convolution layer, {@code weight [O, C, kh, kw]}, as a grid of
   * grayscale tiles (channel 0 of each, scaled to its own range, eight pixels per tap) into {@code file}.
   */
  static void filters(Path file, dev.bytegrad.runtime.Tensor weight) {
    int[] dims = weight.shape().dims();
    int count = dims[0];
    int kh = dims[2];
    int kw = dims[3];
    int scale = 8;
    int columns = (int) Math.ceil(Math.sqrt(count));
    int rows = (count + columns - 1) / columns;
    int tileW = kw * scale + 2;
    int tileH = kh * scale + 2;
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(columns * tileW + 2, rows * tileH + 2,
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    int perFilter = dims[1] * kh * kw;
    for (int f = 0; f < count; f++) {
      double low = Double.POSITIVE_INFINITY;
      double high = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < kh * kw; t++) {
        low = Math.min(low, weight.getDouble(f * perFilter + t));
        high = Math.max(high, weight.getDouble(f * perFilter + t));
      }
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++) {
          double value = weight.getDouble(f * perFilter + a * kw + b);
          int gray = high > low ? (int) Math.round(255 * (value - low) / (high - low)) : 128;
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              int x = 2 + (f % columns) * tileW + b * scale + dx;
              int y = 2 + (f / columns) * tileH + a * scale + dy;
              image.getRaster().setSample(x, y, 0, gray);
            }
          }
        }
      }
    }
    writeImage(image, file);
  }

  /** Writes {@code image} as a PNG, atomically: a temporary file in the same folder, then a rename. */
  private static void writeImage(java.awt.image.BufferedImage image, Path file) {
    try {
      Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".png");
      javax.imageio.ImageIO.write(image, "png", temporary.toFile());
      temporary.toFile().setReadable(true, false);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static XYChart chart(String title, String yAxis) {
    XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch").yAxisTitle(yAxis).build();
    chart.getStyler().setMarkerSize(5);
    return chart;
  }

  /** Adds the finite values of {@code measure} as a series; a measure never taken (NaN throughout) is left out. */
  private static void add(XYChart chart, String name, List<Trainer.Epoch> history, ToDoubleFunction<Trainer.Epoch> measure) {
    List<Trainer.Epoch> measured = history.stream().filter(e -> Double.isFinite(measure.applyAsDouble(e))).toList();
    if (measured.isEmpty()) {
      return;
    }
    double[] x = measured.stream().mapToDouble(Trainer.Epoch::epoch).toArray();
    double[] y = measured.stream().mapToDouble(measure).toArray();
    chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
  }

  private static void write(XYChart chart, Path file) {
    try {
      Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".png");
      BitmapEncoder.saveBitmap(chart, temporary.toString(), BitmapEncoder.BitmapFormat.PNG);
      temporary.toFile().setReadable(true, false);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plot " + file + ": " + e.getMessage(), e);
    }
  }
}
