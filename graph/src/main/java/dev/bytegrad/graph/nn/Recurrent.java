package dev.bytegrad.graph.nn;

import dev.bytegrad.graph.CallSite;
import dev.bytegrad.graph.GraphBuildException;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Scans;
import java.util.List;

/**
 * Recurrent layers as scans: the cells are plain DSL functions of one step, and the layers run them
 * along a sequence with {@link Scans#scan}, so reverse mode is a backward loop and the generated code
 * one loop whatever the sequence's length.
 *
 * <p>The input's contribution to every step ({@code x_t U}) does not depend on the carried state, so the
 * layers take it precomputed for all steps at once — one large product, or an embedding lookup — and
 * only the recurrent product {@code h W} stays in the loop.
 */
public final class Recurrent {
  private Recurrent() {}

  /** The vanilla tanh cell: {@code h' = tanh(x + h W + b)}, {@code x} the step's projected input. */
  public static Node rnnCell(Node x, Node h, Node w, Node b) {
    return x.add(h.matmul(w)).add(b).tanh();
  }

  /** An LSTM cell's new state: hidden {@code h} and cell {@code c}. */
  public record LstmState(Node h, Node c) {}

  /**
   * The LSTM cell (Hochreiter and Schmidhuber; the forget gate of Gers et al.): with
   * {@code z = x + h W + b} split into four blocks of H along the last axis,
   * {@code i = σ(z0), f = σ(z1), g = tanh(z2), o = σ(z3)}, the new cell {@code c' = f c + i g} and the new
   * hidden state {@code h' = o tanh(c')}. {@code x} is the step's projected input {@code [B, 4H]}.
   */
  public static LstmState lstmCell(Node x, Node h, Node c, Node w, Node b) {
    int batch = h.shape().dim(0);
    int hidden = h.shape().dim(1);
    Node z = x.add(h.matmul(w)).add(b);
    Node input = gate(z, 0, batch, hidden).sigmoid();
    Node forget = gate(z, 1, batch, hidden).sigmoid();
    Node candidate = gate(z, 2, batch, hidden).tanh();
    Node output = gate(z, 3, batch, hidden).sigmoid();
    Node cell = forget.mul(c).add(input.mul(candidate));
    return new LstmState(output.mul(cell.tanh()), cell);
  }

  private static Node gate(Node z, int k, int batch, int hidden) {
    return z.slice(new int[] {0, k * hidden}, new int[] {batch, (k + 1) * hidden});
  }

  /**
   * A tanh RNN layer over {@code inputs [T, B, H]} (the projected inputs) from {@code h0 [B, H]}, with
   * parameters {@code name.recurrent [H, H]} and {@code name.bias [H]}: {@code output(0)} holds every
   * hidden state {@code [T, B, H]}, {@code carry(0)} the last.
   */
  public static Scans.Result rnn(Node inputs, Node h0, String name, Init init) {
    int hidden = check("rnn layer " + name, inputs, h0, 1);
    Node w = h0.graph().parameter(name + ".recurrent", init, h0.dtype(), hidden, hidden);
    Node b = h0.graph().parameter(name + ".bias", Init.zeros(), h0.dtype(), hidden);
    return Scans.scan(List.of(h0), List.of(inputs), (h, x) -> Scans.step(rnnCell(x.get(0), h.get(0), w, b)));
  }

  /**
   * An LSTM layer over {@code inputs [T, B, 4H]} (the projected inputs, gates in the order i, f, g, o)
   * from {@code h0} and {@code c0 [B, H]}, with parameters {@code name.recurrent [H, 4H]} and
   * {@code name.bias [4H]}: {@code output(0)} holds every hidden state {@code [T, B, H]}, {@code carry(0)}
   * and {@code carry(1)} the last hidden and cell state. The cell sees the bias {@link #withForgetBias
   * plus 1 on the forget gate}, so that a fresh layer remembers rather than forgets.
   */
  public static Scans.Result lstm(Node inputs, Node h0, Node c0, String name, Init init) {
    int hidden = check("lstm layer " + name, inputs, h0, 4);
    if (!c0.type().equals(h0.type())) {
      throw new GraphBuildException("lstm layer " + name, List.of(h0.type(), c0.type()),
          "the initial cell state must have the hidden state's type", CallSite.capture());
    }
    Node w = h0.graph().parameter(name + ".recurrent", init, h0.dtype(), hidden, 4 * hidden);
    Node b = withForgetBias(h0.graph().parameter(name + ".bias", Init.zeros(), h0.dtype(), 4 * hidden));
    return Scans.scan(List.of(h0, c0), List.of(inputs), (state, x) -> {
      LstmState next = lstmCell(x.get(0), state.get(0), state.get(1), w, b);
      return Scans.step(List.of(next.h(), next.c()), List.of(next.h()));
    });
  }

  /**
   * {@code bias [4H]} plus 1 on the forget gate's block: the forget gate starts near σ(1) ≈ 0.73 instead
   * of 0.5, so gradients survive more steps early in training (Gers et al. 2000; Jozefowicz et al. 2015
   * found it closes most of the gap to the GRU). The same as initializing that block of the bias to 1.
   */
  public static Node withForgetBias(Node bias) {
    int hidden = bias.shape().dim(0) / 4;
    dev.bytegrad.runtime.Tensor offset = dev.bytegrad.runtime.Tensor.zeros(bias.dtype(), bias.shape());
    for (int k = hidden; k < 2 * hidden; k++) {
      offset.setDouble(k, 1);
    }
    return bias.add(bias.graph().constant(offset));
  }

  private static int check(String layer, Node inputs, Node h0, int gates) {
    if (h0.shape().rank() != 2 || inputs.shape().rank() != 3 || inputs.shape().dim(1) != h0.shape().dim(0)
        || inputs.shape().dim(2) != gates * h0.shape().dim(1)) {
      throw new GraphBuildException(layer, List.of(inputs.type(), h0.type()), "needs inputs [T, B, "
          + (gates == 1 ? "H" : gates + "H") + "] and an initial state [B, H]", CallSite.capture());
    }
    return h0.shape().dim(1);
  }
}
