package dev.bytegrad.graph.nn;

import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;

/** Layers: functions that declare their parameters in the input's graph, named {@code name.weight} etc. */
public final class Layers {
  private Layers() {}

  /**
   * A dense (fully connected) layer {@code x.matmul(weight).add(bias)} from {@code x [..., in]} to
   * {@code [..., out]}: weight {@code [in, out]} drawn from {@code init}, bias {@code [out]} zeros, in
   * the input's dtype.
   */
  public static Node dense(Node x, String name, int out, Init init) {
    int in = x.shape().dim(-1);
    Node weight = x.graph().parameter(name + ".weight", init, x.dtype(), in, out);
    Node bias = x.graph().parameter(name + ".bias", Init.zeros(), x.dtype(), out);
    return x.matmul(weight).add(bias);
  }

  /**
   * A convolution layer from images {@code x [N, C, H, W]} to {@code [N, out, H', W']}: kernels
   * {@code name.weight [out, C, kernel, kernel]} drawn from {@code init} and a bias {@code name.bias [out]}
   * of zeros, added to every position. See {@link Convolutions} for how it is computed.
   */
  public static Node conv2d(Node x, String name, int out, int kernel, int stride, int padding, Init init) {
    if (x.shape().rank() != 4) {
      throw new dev.bytegrad.graph.GraphBuildException("conv2d layer " + name, java.util.List.of(x.type()),
          "needs images [N, C, H, W]", dev.bytegrad.graph.CallSite.capture());
    }
    Convolutions.Window window = Convolutions.Window.square(kernel, stride, padding);
    if (window.positions(0, x.shape().dim(2)) < 1 || window.positions(1, x.shape().dim(3)) < 1) {
      throw new dev.bytegrad.graph.GraphBuildException("conv2d layer " + name, java.util.List.of(x.type()), String.format(
          "a %dx%d input is smaller than the window (%s)", x.shape().dim(2), x.shape().dim(3), window),
          dev.bytegrad.graph.CallSite.capture());
    }
    int in = x.shape().dim(1);
    Node weight = x.graph().parameter(name + ".weight", init, x.dtype(), out, in, kernel, kernel);
    Node bias = x.graph().parameter(name + ".bias", Init.zeros(), x.dtype(), out);
    return Convolutions.conv2d(x, weight, bias, window);
  }

  /**
   * An embedding: the rows of {@code name.weight [vocabulary, dim]} (drawn from {@code init}) picked by
   * the i32 {@code tokens [...]}, shaped {@code [..., dim]}. Equal to one-hot tokens times the table, at
   * the cost of a lookup; its gradient adds each row's cotangent back at its token.
   */
  public static Node embedding(Node tokens, String name, int vocabulary, int dim, Init init) {
    if (tokens.dtype() != dev.bytegrad.runtime.DType.I32) {
      throw new dev.bytegrad.graph.GraphBuildException("embedding layer " + name, java.util.List.of(tokens.type()),
          "tokens must be i32 indices into the vocabulary", dev.bytegrad.graph.CallSite.capture());
    }
    return tokens.graph().parameter(name + ".weight", init, vocabulary, dim).gather(tokens);
  }
}
