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
}
