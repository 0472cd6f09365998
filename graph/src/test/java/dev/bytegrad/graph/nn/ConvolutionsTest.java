package dev.bytegrad.graph.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.GradientCheck;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GraphBuildException;
import dev.bytegrad.graph.Interpreter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Convolution and pooling against direct loops, and their derivatives against finite differences. */
class ConvolutionsTest {
  private static Tensor random(SplittableRandom random, int... dims) {
    Tensor t = Tensor.zeros(DType.F64, Shape.of(dims));
    for (int i = 0; i < t.size(); i++) {
      t.doubles()[i] = random.nextDouble(-1, 1);
    }
    return t;
  }

  /** The textbook definition, loop by loop. */
  private static double[] direct(Tensor x, Tensor w, Convolutions.Window window) {
    int[] xd = x.shape().dims();
    int[] wd = w.shape().dims();
    int oh = window.positions(0, xd[2]);
    int ow = window.positions(1, xd[3]);
    double[] out = new double[xd[0] * wd[0] * oh * ow];
    for (int n = 0; n < xd[0]; n++) {
      for (int o = 0; o < wd[0]; o++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double sum = 0;
            for (int c = 0; c < xd[1]; c++) {
              for (int a = 0; a < wd[2]; a++) {
                for (int b = 0; b < wd[3]; b++) {
                  int r = i * window.stride()[0] + a * window.dilation()[0] - window.padLow()[0];
                  int q = j * window.stride()[1] + b * window.dilation()[1] - window.padLow()[1];
                  if (r >= 0 && r < xd[2] && q >= 0 && q < xd[3]) {
                    sum += x.doubles()[((n * xd[1] + c) * xd[2] + r) * xd[3] + q] * w.doubles()[((o * wd[1] + c) * wd[2] + a) * wd[3] + b];
                  }
                }
              }
            }
            out[((n * wd[0] + o) * oh + i) * ow + j] = sum;
          }
        }
      }
    }
    return out;
  }

  @Test
  void conv2d_matchesTheDirectDefinition_forStridesPaddingsAndDilations() {
    SplittableRandom random = new SplittableRandom(1);
    Convolutions.Window[] windows = {
        Convolutions.Window.square(3, 1, 0), Convolutions.Window.square(3, 2, 1), Convolutions.Window.square(5, 1, 2),
        new Convolutions.Window(new int[] {2, 3}, new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 0}, new int[] {2, 1})};
    for (Convolutions.Window window : windows) {
      Graph g = new Graph();
      Node x = g.input("x", DType.F64, 2, 3, 7, 6);
      Node w = g.input("w", DType.F64, 4, 3, window.kernel()[0], window.kernel()[1]);
      Node y = Convolutions.conv2d(x, w, window);
      Tensor xv = random(random, 2, 3, 7, 6);
      Tensor wv = random(random, 4, 3, window.kernel()[0], window.kernel()[1]);
      Tensor actual = Interpreter.float64().evaluate(y, Map.of(x, xv, w, wv));
      assertThat(actual.shape()).as(window.toString())
          .isEqualTo(Shape.of(2, 4, window.positions(0, 7), window.positions(1, 6)));
      double[] expected = direct(xv, wv, window);
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual.doubles()[i]).as("%s [%d]", window, i).isCloseTo(expected[i], within(1e-12));
      }
    }
  }

  @Test
  void conv2d_withABias_addsItToEveryPositionOfItsChannel_forStridesPaddingsAndDilations() {
    SplittableRandom random = new SplittableRandom(5);
    Convolutions.Window[] windows = {
        Convolutions.Window.square(3, 1, 0), Convolutions.Window.square(3, 2, 1),
        new Convolutions.Window(new int[] {2, 3}, new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 0}, new int[] {2, 1})};
    for (Convolutions.Window window : windows) {
      Graph g = new Graph();
      Node x = g.input("x", DType.F64, 2, 3, 7, 6);
      Node w = g.input("w", DType.F64, 4, 3, window.kernel()[0], window.kernel()[1]);
      Node b = g.input("b", DType.F64, 4);
      Tensor xv = random(random, 2, 3, 7, 6);
      Tensor wv = random(random, 4, 3, window.kernel()[0], window.kernel()[1]);
      Tensor bv = random(random, 4);
      Tensor actual = Interpreter.float64().evaluate(Convolutions.conv2d(x, w, b, window), Map.of(x, xv, w, wv, b, bv));
      double[] expected = direct(xv, wv, window);
      int perChannel = window.positions(0, 7) * window.positions(1, 6);
      for (int i = 0; i < expected.length; i++) {
        double bias = bv.doubles()[i / perChannel % 4];
        assertThat(actual.doubles()[i]).as("%s [%d]", window, i).isCloseTo(expected[i] + bias, within(1e-12));
      }
    }
  }

  @Test
  void conv2d_withABias_gradientsMatchFiniteDifferences() {
    Graph g = new Graph();
    Node x = g.input("x", DType.F64, 2, 2, 5, 5);
    Node w = g.input("w", DType.F64, 3, 2, 3, 3);
    Node b = g.input("b", DType.F64, 3);
    Node loss = Convolutions.conv2d(x, w, b, Convolutions.Window.square(3, 2, 1)).tanh().square().sum();
    SplittableRandom random = new SplittableRandom(6);
    GradientCheck.Report report = GradientCheck.check(loss, List.of(x, w, b),
        Map.of(x, random(random, 2, 2, 5, 5), w, random(random, 3, 2, 3, 3), b, random(random, 3)));
    assertThat(report.worstRelativeError()).as(report.toString()).isLessThan(1e-6);
  }

  @Test
  void conv2d_withABiasOfTheWrongShape_saysWhatItNeeds() {
    Graph g = new Graph();
    Node x = g.input("x", 2, 3, 7, 6);
    Node w = g.input("w", 4, 3, 3, 3);
    Node b = g.input("b", 3);
    assertThatThrownBy(() -> Convolutions.conv2d(x, w, b, Convolutions.Window.square(3, 1, 0)))
        .isInstanceOf(GraphBuildException.class).hasMessageContaining("bias [O]").hasMessageContaining("f32[3]");
  }

  @Test
  void pooling_overWindowsThatTileTheImage_matchesTheDirectDefinition() {
    Graph g = new Graph();
    Node x = g.input("x", DType.F64, 2, 3, 4, 6);
    Tensor xv = random(new SplittableRandom(7), 2, 3, 4, 6);
    // ties within a window: its maximum all the same
    xv.doubles()[0] = xv.doubles()[1];
    for (int size : new int[] {1, 2}) {
      Tensor max = Interpreter.float64().evaluate(Convolutions.maxPool2d(x, size, size, 0), Map.of(x, xv));
      Tensor avg = Interpreter.float64().evaluate(Convolutions.avgPool2d(x, size, size, 0), Map.of(x, xv));
      int oh = 4 / size;
      int ow = 6 / size;
      assertThat(max.shape()).isEqualTo(Shape.of(2, 3, oh, ow));
      for (int nc = 0; nc < 6; nc++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double m = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int a = 0; a < size; a++) {
              for (int b = 0; b < size; b++) {
                double v = xv.doubles()[(nc * 4 + size * i + a) * 6 + size * j + b];
                m = Math.max(m, v);
                sum += v;
              }
            }
            assertThat(max.doubles()[(nc * oh + i) * ow + j]).as("max %d, %d %d %d", size, nc, i, j).isEqualTo(m);
            assertThat(avg.doubles()[(nc * oh + i) * ow + j]).isCloseTo(sum / (size * size), within(1e-15));
          }
        }
      }
    }
  }

  @Test
  void pooling_overWindowsThatTileTheImage_gradientsMatchFiniteDifferences() {
    for (boolean maxPool : new boolean[] {true, false}) {
      Graph g = new Graph();
      Node x = g.input("x", DType.F64, 2, 3, 4, 6);
      Node pooled = maxPool ? Convolutions.maxPool2d(x, 2, 2, 0) : Convolutions.avgPool2d(x, 2, 2, 0);
      Node loss = pooled.tanh().square().sum();
      GradientCheck.Report report = GradientCheck.check(loss, List.of(x), Map.of(x, random(new SplittableRandom(8), 2, 3, 4, 6)));
      assertThat(report.worstRelativeError()).as((maxPool ? "max " : "average ") + report).isLessThan(1e-6);
    }
  }

  @Test
  void pooling_matchesTheDirectDefinition() {
    Graph g = new Graph();
    Node x = g.input("x", DType.F64, 2, 3, 5, 6);
    Tensor xv = random(new SplittableRandom(2), 2, 3, 5, 6);
    Tensor max = Interpreter.float64().evaluate(Convolutions.maxPool2d(x, 3, 2, 1), Map.of(x, xv));
    Tensor avg = Interpreter.float64().evaluate(Convolutions.avgPool2d(x, 2, 2, 0), Map.of(x, xv));
    assertThat(max.shape()).isEqualTo(Shape.of(2, 3, 3, 3));
    assertThat(avg.shape()).isEqualTo(Shape.of(2, 3, 2, 3));
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < 3; a++) {
              for (int b = 0; b < 3; b++) {
                int r = 2 * i + a - 1;
                int q = 2 * j + b - 1;
                if (r >= 0 && r < 5 && q >= 0 && q < 6) {
                  m = Math.max(m, xv.doubles()[((n * 3 + c) * 5 + r) * 6 + q]);
                }
              }
            }
            assertThat(max.doubles()[((n * 3 + c) * 3 + i) * 3 + j]).isEqualTo(m);
          }
        }
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 3; j++) {
            double sum = 0;
            for (int a = 0; a < 2; a++) {
              for (int b = 0; b < 2; b++) {
                sum += xv.doubles()[((n * 3 + c) * 5 + 2 * i + a) * 6 + 2 * j + b];
              }
            }
            assertThat(avg.doubles()[((n * 3 + c) * 2 + i) * 3 + j]).isCloseTo(sum / 4, within(1e-15));
          }
        }
      }
    }
  }

  /** A small CNN's loss: conv, ReLU-free smooth activation, pooling of both kinds, a dense layer. */
  private record Net(Graph graph, Node x, Node w, Node v, Node loss) {
    static Net create(boolean maxPool) {
      Graph g = new Graph();
      Node x = g.input("x", DType.F64, 2, 2, 6, 6);
      Node w = g.input("w", DType.F64, 3, 2, 3, 3);
      Node v = g.input("v", DType.F64, maxPool ? 12 : 27, 2);
      Node conv = Convolutions.conv2d(x, w, Convolutions.Window.square(3, 1, 1)).tanh();
      Node pooled = maxPool ? Convolutions.maxPool2d(conv, 3, 3, 0) : Convolutions.avgPool2d(conv, 2, 3, 1);
      Node loss = Convolutions.flatten(pooled).matmul(v).square().sum();
      return new Net(g, x, w, v, loss);
    }

    Map<Node, Tensor> feeds(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      return Map.of(x, random(random, 2, 2, 6, 6), w, random(random, 3, 2, 3, 3), v, random(random, v.shape().dim(0), 2));
    }
  }

  @Test
  void gradients_ofConvolutionAndPooling_matchFiniteDifferences() {
    for (boolean maxPool : new boolean[] {true, false}) {
      Net net = Net.create(maxPool);
      GradientCheck.Report report = GradientCheck.check(net.loss(), List.of(net.x(), net.w(), net.v()), net.feeds(3));
      assertThat(report.worstRelativeError()).as((maxPool ? "max " : "average ") + report).isLessThan(1e-5);
    }
  }

  @Test
  void maxGradient_sharesEachOutputsGradientEquallyAmongTiedWinners_inF32Bits() {
    // windows of four along the last axis, with ties: each winner gets g / count, the others zero, the
    // same float as g * winner / count (the share is divided once per window)
    Graph graph = new Graph();
    Node x = graph.input("x", 3, 4);
    Node g = graph.input("g", 3);
    Node dx = Autodiff.vjp(List.of(x.max(1)), List.of(g), List.of(x)).get(0);
    Tensor xs = Tensor.ofFloats(Shape.of(3, 4), 1, 5, 5, 2, -3, -3, -3, -3, 0, 7, -1, 6);
    Tensor gs = Tensor.ofFloats(Shape.of(3), 0.7f, -1.3f, 2.9f);
    float[] got = Interpreter.declared().evaluate(List.of(dx), Map.of(x, xs, g, gs)).get(0).floats();
    float[] winners = {0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0};
    float[] counts = {2, 4, 1};
    for (int e = 0; e < 12; e++) {
      assertThat(got[e]).as("element %d", e).isEqualTo(gs.floats()[e / 4] * winners[e] / counts[e / 4]);
    }
  }

  @Test
  void secondOrder_hessianVectorProducts_matchFiniteDifferencesOfTheGradient() {
    Net net = Net.create(false);
    Map<Node, Tensor> feeds = net.feeds(4);
    Tensor direction = random(new SplittableRandom(9), 3, 2, 3, 3);
    Node u = net.graph().input("u", DType.F64, 3, 2, 3, 3);
    Node hvp = Autodiff.hvp(net.loss(), List.of(net.w()), List.of(u)).get(0);
    Node gradient = Autodiff.grad(net.loss(), List.of(net.w())).get(0);
    Map<Node, Tensor> withU = new java.util.HashMap<>(feeds);
    withU.put(u, direction);
    Tensor exact = Interpreter.float64().evaluate(hvp, withU);
    double h = 1e-5;
    Tensor plus = Interpreter.float64().evaluate(gradient, shifted(feeds, net.w(), direction, h));
    Tensor minus = Interpreter.float64().evaluate(gradient, shifted(feeds, net.w(), direction, -h));
    for (int i = 0; i < exact.size(); i++) {
      double numeric = (plus.doubles()[i] - minus.doubles()[i]) / (2 * h);
      assertThat(exact.doubles()[i]).as("Hv[%d]", i).isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
    }
  }

  private static Map<Node, Tensor> shifted(Map<Node, Tensor> feeds, Node at, Tensor direction, double h) {
    Map<Node, Tensor> result = new java.util.HashMap<>(feeds);
    Tensor moved = feeds.get(at).copy();
    for (int i = 0; i < moved.size(); i++) {
      moved.doubles()[i] += h * direction.doubles()[i];
    }
    result.put(at, moved);
    return result;
  }

  @Test
  void shapesThatDoNotFit_failNamingTheShapesAndTheWindow() {
    Graph g = new Graph();
    Node x = g.input("x", 1, 3, 4, 4);
    assertThatThrownBy(() -> Convolutions.conv2d(x, g.input("w", 8, 2, 3, 3), 1, 0)).isInstanceOf(GraphBuildException.class)
        .hasMessageContaining("conv2d").hasMessageContaining("f32[1,3,4,4]").hasMessageContaining("f32[8,2,3,3]");
    assertThatThrownBy(() -> Convolutions.conv2d(x, g.input("k", 8, 3, 5, 5), 1, 0))
        .hasMessageContaining("a 4x4 input is smaller than the window (kernel 5x5, stride 1x1, padding 0/0 x 0/0")
        .hasMessageContaining("ConvolutionsTest.java");
    assertThatThrownBy(() -> Convolutions.maxPool2d(g.input("flat", 4, 16), 2, 2, 0)).hasMessageContaining("maxPool2d");
    assertThatThrownBy(() -> Layers.conv2d(x, "features", 8, 7, 1, 1, dev.bytegrad.graph.Init.heNormal()))
        .hasMessageContaining("conv2d layer features(f32[1,3,4,4])").hasMessageContaining("a 4x4 input is smaller than the window");
  }
}
