package dev.bytegrad.graph.nn;

import dev.bytegrad.graph.CallSite;
import dev.bytegrad.graph.GraphBuildException;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Convolution and pooling over NCHW images, as composites of gathers and matrix products.
 *
 * <p>A convolution is im2col and one GEMM: the input, seen as a table with one row per (channel, row,
 * column) and one column per image, plus a row of zeros, is gathered by a constant index table into the
 * patch matrix {@code [C*kh*kw, H'*W'*N]}; the kernel {@code [O, C*kh*kw]} multiplies it. The index
 * table carries stride, padding (indices of the zero row) and dilation, so they cost nothing extra.
 * Compiled, the patch matrix is never written out: the products read it from the table as they pack it.
 * Every derivative, to any order, follows from the rules of gather (scatter-add), matrix product,
 * reshape and transpose, which the op table checks: the input's gradient is the transposed convolution
 * as a GEMM and a scatter-add (col2im), the kernel's gradient a GEMM of the output's cotangent with the
 * patches. A bias joins the product as one more column of the kernel against a row of ones among the
 * patches (the table's row after the zero row), so that its gradient is one more column of the kernel's
 * gradient: a sum over every position and image of a broadcast bias's cotangent, whose channels lie
 * apart in memory, took LeNet's first layer 0.7 ms a step, more than its product.
 *
 * <p>Pooling gathers windows the same way, padding with {@code -inf} (max) or zeros (average, dividing by
 * the whole window as PyTorch's default {@code count_include_pad} does), then reduces them; windows that
 * tile the image (stride equal to the kernel, no padding or dilation, sides divisible) are taken by a
 * reshape and a transpose instead. Its table keeps the images innermost, channels next, as the convolution
 * lays out its output, so that moving between the two copies runs of a batch's images. Max pooling shares
 * the cotangent evenly among elements that tie for a window's maximum (the rule of {@code ReduceMax}).
 */
public final class Convolutions {
  private Convolutions() {}

  /**
   * A sliding window along the two spatial axes: kernel size, stride, zero padding before and after,
   * and dilation (the spacing of the kernel's taps), each {@code {height, width}}.
   */
  public record Window(int[] kernel, int[] stride, int[] padLow, int[] padHigh, int[] dilation) {
    /** A square window of side {@code kernel} with the same stride and padding on both axes, no dilation. */
    public static Window square(int kernel, int stride, int padding) {
      return new Window(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
          new int[] {padding, padding}, new int[] {1, 1});
    }

    /** How many positions the window takes along {@code axis} (0 height, 1 width) of an input of {@code size}. */
    public int positions(int axis, int size) {
      int span = dilation[axis] * (kernel[axis] - 1) + 1;
      int padded = size + padLow[axis] + padHigh[axis];
      return padded < span ? 0 : (padded - span) / stride[axis] + 1;
    }

    @Override
    public String toString() {
      return String.format("kernel %dx%d, stride %dx%d, padding %d/%d x %d/%d, dilation %dx%d", kernel[0], kernel[1],
          stride[0], stride[1], padLow[0], padHigh[0], padLow[1], padHigh[1], dilation[0], dilation[1]);
    }
  }

  /** {@code conv2d(x, w, Window.square(kh, stride, padding))} for a square kernel {@code w [O, C, kh, kh]}. */
  public static Node conv2d(Node x, Node w, int stride, int padding) {
    return conv2d(x, w, new Window(new int[] {w.shape().dim(2), w.shape().dim(3)}, new int[] {stride, stride},
        new int[] {padding, padding}, new int[] {padding, padding}, new int[] {1, 1}));
  }

  /**
   * The convolution (cross-correlation, as in every deep-learning library) of images {@code x [N, C, H, W]}
   * with kernels {@code w [O, C, kh, kw]}: {@code [N, O, H', W']}.
   */
  public static Node conv2d(Node x, Node w, Window window) {
    return convolution(x, w, null, window);
  }

  /**
   * {@code conv2d(x, w, window)} plus {@code bias [O]} at every position of output channel {@code O}, the bias
   * computed within the product (see the class comment).
   */
  public static Node conv2d(Node x, Node w, Node bias, Window window) {
    if (bias.shape().rank() != 1 || w.shape().rank() >= 1 && bias.shape().dim(0) != w.shape().dim(0)
        || bias.dtype() != w.dtype()) {
      throw failure("conv2d", "needs a bias [O] of the kernels' type, one value per output channel", x, w, bias);
    }
    return convolution(x, w, bias, window);
  }

  private static Node convolution(Node x, Node w, Node bias, Window window) {
    if (x.shape().rank() != 4 || w.shape().rank() != 4 || x.shape().dim(1) != w.shape().dim(1)
        || w.shape().dim(2) != window.kernel()[0] || w.shape().dim(3) != window.kernel()[1]) {
      throw failure("conv2d", "needs images [N, C, H, W] and kernels [O, C, kh, kw] with the same C and the window's "
          + "kernel size (" + window + ")", x, w);
    }
    int n = x.shape().dim(0);
    int channels = x.shape().dim(1);
    int outputs = w.shape().dim(0);
    int[] positions = positions("conv2d", window, x, w);
    int places = positions[0] * positions[1];
    int patch = channels * window.kernel()[0] * window.kernel()[1];
    int pixels = channels * x.shape().dim(2) * x.shape().dim(3);
    // the table: one row per (channel, row, column) holding that pixel of every image, then a zero row and,
    // for a bias, a row of ones
    Node table = x.transpose(1, 2, 3, 0).reshape(pixels, n);
    int[] indices = indices(x.shape().dims(), window, positions, true);
    Node kernels = w.reshape(outputs, patch);
    int rows = patch;
    table = bias == null ? withExtraRows(table, 0) : withExtraRows(table, 0, 1);
    if (bias != null) {
      indices = Arrays.copyOf(indices, indices.length + places);
      Arrays.fill(indices, patch * places, indices.length, pixels + 1);
      kernels = Node.concat(1, kernels, bias.reshape(outputs, 1));
      rows++;
    }
    Node columns = table.gather(constantIndices(x, indices)).reshape(rows, places * n);
    return kernels.matmul(columns).reshape(outputs, positions[0], positions[1], n).transpose(3, 0, 1, 2);
  }

  /** Max pooling of {@code x [N, C, H, W]} over square windows; positions in the padding count as {@code -inf}. */
  public static Node maxPool2d(Node x, int kernel, int stride, int padding) {
    return pool("maxPool2d", x, Window.square(kernel, stride, padding), true);
  }

  /** Average pooling of {@code x [N, C, H, W]} over square windows, dividing by the whole window. */
  public static Node avgPool2d(Node x, int kernel, int stride, int padding) {
    return pool("avgPool2d", x, Window.square(kernel, stride, padding), false);
  }

  /** {@code [N, d1, d2, ...]} as {@code [N, d1 * d2 * ...]}. */
  public static Node flatten(Node x) {
    int n = x.shape().dim(0);
    return x.reshape(n, n == 0 ? 0 : x.shape().size() / n);
  }

  private static Node pool(String op, Node x, Window window, boolean max) {
    if (x.shape().rank() != 4) {
      throw failure(op, "needs images [N, C, H, W]", x);
    }
    int n = x.shape().dim(0);
    int channels = x.shape().dim(1);
    int[] positions = positions(op, window, x);
    int taps = window.kernel()[0] * window.kernel()[1];
    int height = x.shape().dim(2);
    int width = x.shape().dim(3);
    // pixels with every channel and image side by side, images innermost: a convolution's own layout
    Node pixels = x.transpose(2, 3, 1, 0);
    Node windows;
    if (tiles(window, height, width)) {
      // windows that tile the image exactly are a reshape and a transpose: nothing gathered, and a gradient
      // that is a transpose too rather than a scatter-add into zeros (LeNet's first pooling, forward and
      // backward: 1.6 to 0.9 ms a step)
      int kh = window.kernel()[0];
      int kw = window.kernel()[1];
      windows = pixels.reshape(positions[0], kh, positions[1], kw, channels * n).transpose(0, 2, 1, 3, 4)
          .reshape(positions[0] * positions[1], taps, channels * n);
    } else {
      // the table: one row per (row, column) holding that pixel of every channel and image, then a padding row
      Node table = withExtraRows(pixels.reshape(height * width, channels * n), max ? Double.NEGATIVE_INFINITY : 0);
      windows = table.gather(constantIndices(x, indices(new int[] {1, 1, height, width}, window, positions, false)))
          .reshape(positions[0] * positions[1], taps, channels * n);
    }
    Node reduced = max ? windows.max(1) : windows.sum(1).div(taps);
    return reduced.reshape(positions[0], positions[1], channels, n).transpose(3, 2, 0, 1);
  }

  /** Whether {@code window}'s positions cover a {@code height x width} image exactly, each pixel once. */
  private static boolean tiles(Window window, int height, int width) {
    int[] size = {height, width};
    for (int axis = 0; axis < 2; axis++) {
      if (window.stride()[axis] != window.kernel()[axis] || window.dilation()[axis] != 1 || window.padLow()[axis] != 0
          || window.padHigh()[axis] != 0 || size[axis] % window.kernel()[axis] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The gather indices of every window position: for a convolution, {@code [C*kh*kw, H'*W']} (patch rows
   * first); for pooling (one channel), {@code [H'*W', kh*kw]}. A tap in the padding points at the extra
   * row after the image's {@code C*H*W} rows.
   */
  private static int[] indices(int[] dims, Window window, int[] positions, boolean patchesFirst) {
    int channels = dims[1];
    int height = dims[2];
    int width = dims[3];
    int padding = channels * height * width;
    int kh = window.kernel()[0];
    int kw = window.kernel()[1];
    int places = positions[0] * positions[1];
    int[] result = new int[channels * kh * kw * places];
    for (int c = 0; c < channels; c++) {
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++) {
          int tap = (c * kh + a) * kw + b;
          for (int i = 0; i < positions[0]; i++) {
            for (int j = 0; j < positions[1]; j++) {
              int row = i * window.stride()[0] + a * window.dilation()[0] - window.padLow()[0];
              int column = j * window.stride()[1] + b * window.dilation()[1] - window.padLow()[1];
              boolean inside = row >= 0 && row < height && column >= 0 && column < width;
              int place = i * positions[1] + j;
              int at = patchesFirst ? tap * places + place : place * (kh * kw) + tap;
              result[at] = inside ? (c * height + row) * width + column : padding;
            }
          }
        }
      }
    }
    return result;
  }

  private static Node constantIndices(Node x, int[] indices) {
    return x.graph().constant(Tensor.ofInts(Shape.of(indices.length), indices));
  }

  /** {@code table} with a row of each of {@code values} after its own, in one concatenation. */
  private static Node withExtraRows(Node table, double... values) {
    int width = table.shape().dim(1);
    Tensor rows = Tensor.zeros(table.dtype(), Shape.of(values.length, width));
    for (int i = 0; i < rows.size(); i++) {
      rows.setDouble(i, values[i / width]);
    }
    return Node.concat(0, table, table.graph().constant(rows));
  }

  /** The window's positions over the images {@code operands[0]}, failing naming all {@code operands} if none fit. */
  private static int[] positions(String op, Window window, Node... operands) {
    Node x = operands[0];
    for (int axis = 0; axis < 2; axis++) {
      if (window.kernel()[axis] < 1 || window.stride()[axis] < 1 || window.dilation()[axis] < 1
          || window.padLow()[axis] < 0 || window.padHigh()[axis] < 0) {
        throw failure(op, "kernel, stride and dilation must be at least 1 and padding not negative (" + window + ")", x);
      }
    }
    int[] positions = {window.positions(0, x.shape().dim(2)), window.positions(1, x.shape().dim(3))};
    if (positions[0] < 1 || positions[1] < 1) {
      throw failure(op, String.format("a %dx%d input is smaller than the window (%s)", x.shape().dim(2), x.shape().dim(3),
          window), operands);
    }
    return positions;
  }

  private static GraphBuildException failure(String op, String problem, Node... operands) {
    List<dev.bytegrad.graph.TensorType> types = Arrays.stream(operands).map(Node::type).toList();
    return new GraphBuildException(op, types, problem, CallSite.capture());
  }
}
