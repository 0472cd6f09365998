package dev.bytegrad.benchmarks;

import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Tensor;

/**
 * The zoo's LeNet training step written by hand in plain Java, on the GEMM the generated code calls:
 * the baseline a careful programmer would write. im2col into one patch matrix per convolution (all images
 * side by side, channels outermost), one GEMM per product, max pooling that remembers where each maximum
 * came from, the backward pass in reverse, SGD with momentum {@code v = 0.9 v + g; w -= lr v}.
 *
 * <p>Same parameters, in the same order, as the compiled step: conv1 weight [20,1,5,5] and bias, conv2
 * weight [50,20,5,5] and bias, dense weight [800,500] and bias, output weight [500,10] and bias, then their
 * velocities. Inputs: images [N, 784], labels [N], the learning rate; output: the mean cross-entropy.
 * Where two elements tie for a pooling window's maximum the first takes the whole gradient (the compiled
 * step shares it); with real-valued data ties do not occur.
 */
public final class HandWrittenLeNetStep implements CompiledFunction {
  private static final float MOMENTUM = 0.9f;
  private static final int C1 = 20;
  private static final int C2 = 50;
  private static final int K = 5;
  private static final int HIDDEN = 500;
  private static final int CLASSES = 10;

  private final int n;
  private final float[][] w = new float[8][];
  private final float[][] v = new float[8][];
  private final float[][] g = new float[8][];
  // forward
  private final float[] cols1;   // [25, n*576]
  private final float[] conv1;   // [20, n*576]
  private final float[] pool1;   // [20, n, 12, 12]
  private final int[] arg1;      // where each pool1 maximum came from, an index into conv1
  private final float[] cols2;   // [500, n*64]
  private final float[] conv2;   // [50, n*64]
  private final float[] flat;    // [n, 800], NCHW order
  private final int[] arg2;      // into conv2, for each flat element
  private final float[] pre;     // [n, 500]
  private final float[] act;     // [n, 500]
  private final float[] logits;  // [n, 10]
  // backward
  private final float[] dLogits;
  private final float[] dAct;
  private final float[] dFlat;
  private final float[] dConv2;
  private final float[] dCols2;
  private final float[] dPool1;
  private final float[] dConv1;

  public HandWrittenLeNetStep(int batch, Tensor[] parameters) {
    n = batch;
    for (int i = 0; i < 8; i++) {
      w[i] = parameters[i].floats();
      v[i] = parameters[8 + i].floats();
      g[i] = new float[w[i].length];
    }
    cols1 = new float[25 * n * 576];
    conv1 = new float[C1 * n * 576];
    pool1 = new float[C1 * n * 144];
    arg1 = new int[C1 * n * 144];
    cols2 = new float[C1 * 25 * n * 64];
    conv2 = new float[C2 * n * 64];
    flat = new float[n * 800];
    arg2 = new int[n * 800];
    pre = new float[n * HIDDEN];
    act = new float[n * HIDDEN];
    logits = new float[n * CLASSES];
    dLogits = new float[n * CLASSES];
    dAct = new float[n * HIDDEN];
    dFlat = new float[n * 800];
    dConv2 = new float[C2 * n * 64];
    dCols2 = new float[C1 * 25 * n * 64];
    dPool1 = new float[C1 * n * 144];
    dConv1 = new float[C1 * n * 576];
  }

  @Override
  public void run(Tensor[] inputs, Tensor[] outputs) {
    float[] x = inputs[0].floats();
    int[] y = inputs[1].ints();
    float lr = inputs[2].floats()[0];
    outputs[0].floats()[0] = forward(x, y);
    backward();
    for (int p = 0; p < 8; p++) {
      float[] wp = w[p];
      float[] vp = v[p];
      float[] gp = g[p];
      for (int i = 0; i < wp.length; i++) {
        vp[i] = MOMENTUM * vp[i] + gp[i];
        wp[i] -= lr * vp[i];
      }
    }
  }

  private float forward(float[] x, int[] y) {
    // conv1: patches of the 28x28 images, one column per (image, 24x24 position)
    int cols = n * 576;
    for (int ky = 0; ky < K; ky++) {
      for (int kx = 0; kx < K; kx++) {
        int row = (ky * K + kx) * cols;
        for (int img = 0; img < n; img++) {
          for (int oy = 0; oy < 24; oy++) {
            System.arraycopy(x, img * 784 + (oy + ky) * 28 + kx, cols1, row + img * 576 + oy * 24, 24);
          }
        }
      }
    }
    Gemm.sgemm(false, false, C1, cols, 25, w[0], 0, 25, cols1, 0, cols, conv1, 0, cols);
    addBias(conv1, w[1], C1, cols);
    maxPool(conv1, C1, 24, pool1, arg1);
    // conv2: patches of the 20 12x12 maps, one column per (image, 8x8 position)
    int cols8 = n * 64;
    for (int c = 0; c < C1; c++) {
      for (int ky = 0; ky < K; ky++) {
        for (int kx = 0; kx < K; kx++) {
          int row = ((c * K + ky) * K + kx) * cols8;
          for (int img = 0; img < n; img++) {
            int source = (c * n + img) * 144;
            for (int oy = 0; oy < 8; oy++) {
              System.arraycopy(pool1, source + (oy + ky) * 12 + kx, cols2, row + img * 64 + oy * 8, 8);
            }
          }
        }
      }
    }
    Gemm.sgemm(false, false, C2, cols8, C1 * 25, w[2], 0, C1 * 25, cols2, 0, cols8, conv2, 0, cols8);
    addBias(conv2, w[3], C2, cols8);
    // pool2 straight into the flat features, NCHW order: feature c*16 + q of image img
    for (int c = 0; c < C2; c++) {
      for (int img = 0; img < n; img++) {
        int base = (c * n + img) * 64;
        for (int py = 0; py < 4; py++) {
          for (int px = 0; px < 4; px++) {
            int best = base + (2 * py) * 8 + 2 * px;
            for (int a = 0; a < 2; a++) {
              for (int b = 0; b < 2; b++) {
                int at = base + (2 * py + a) * 8 + 2 * px + b;
                if (conv2[at] > conv2[best]) {
                  best = at;
                }
              }
            }
            int f = img * 800 + c * 16 + py * 4 + px;
            flat[f] = conv2[best];
            arg2[f] = best;
          }
        }
      }
    }
    Gemm.sgemm(false, false, n, HIDDEN, 800, flat, 0, 800, w[4], 0, HIDDEN, pre, 0, HIDDEN);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < HIDDEN; j++) {
        float z = pre[i * HIDDEN + j] + w[5][j];
        pre[i * HIDDEN + j] = z;
        act[i * HIDDEN + j] = Math.max(z, 0);
      }
    }
    Gemm.sgemm(false, false, n, CLASSES, HIDDEN, act, 0, HIDDEN, w[6], 0, CLASSES, logits, 0, CLASSES);
    double loss = 0;
    for (int i = 0; i < n; i++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < CLASSES; j++) {
        logits[i * CLASSES + j] += w[7][j];
        max = Math.max(max, logits[i * CLASSES + j]);
      }
      float sum = 0;
      for (int j = 0; j < CLASSES; j++) {
        float e = (float) Math.exp(logits[i * CLASSES + j] - max);
        dLogits[i * CLASSES + j] = e;
        sum += e;
      }
      loss += Math.log(sum) + max - logits[i * CLASSES + y[i]];
      for (int j = 0; j < CLASSES; j++) {
        dLogits[i * CLASSES + j] = (dLogits[i * CLASSES + j] / sum - (j == y[i] ? 1 : 0)) / n;
      }
    }
    return (float) (loss / n);
  }

  private void backward() {
    // output layer
    Gemm.sgemm(true, false, HIDDEN, CLASSES, n, act, 0, HIDDEN, dLogits, 0, CLASSES, g[6], 0, CLASSES);
    columnSums(dLogits, n, CLASSES, g[7]);
    Gemm.sgemm(false, true, n, HIDDEN, CLASSES, dLogits, 0, CLASSES, w[6], 0, CLASSES, dAct, 0, HIDDEN);
    for (int i = 0; i < dAct.length; i++) {
      float z = pre[i];
      dAct[i] = z > 0 ? dAct[i] : z == 0 ? dAct[i] / 2 : 0;
    }
    // dense layer
    Gemm.sgemm(true, false, 800, HIDDEN, n, flat, 0, 800, dAct, 0, HIDDEN, g[4], 0, HIDDEN);
    columnSums(dAct, n, HIDDEN, g[5]);
    Gemm.sgemm(false, true, n, 800, HIDDEN, dAct, 0, HIDDEN, w[4], 0, HIDDEN, dFlat, 0, 800);
    // pool2 and conv2
    java.util.Arrays.fill(dConv2, 0);
    for (int f = 0; f < dFlat.length; f++) {
      dConv2[arg2[f]] += dFlat[f];
    }
    int cols8 = n * 64;
    rowSums(dConv2, C2, cols8, g[3]);
    Gemm.sgemm(false, true, C2, C1 * 25, cols8, dConv2, 0, cols8, cols2, 0, cols8, g[2], 0, C1 * 25);
    Gemm.sgemm(true, false, C1 * 25, cols8, C2, w[2], 0, C1 * 25, dConv2, 0, cols8, dCols2, 0, cols8);
    // col2im into the pooled maps
    java.util.Arrays.fill(dPool1, 0);
    for (int c = 0; c < C1; c++) {
      for (int ky = 0; ky < K; ky++) {
        for (int kx = 0; kx < K; kx++) {
          int row = ((c * K + ky) * K + kx) * cols8;
          for (int img = 0; img < n; img++) {
            int target = (c * n + img) * 144;
            for (int oy = 0; oy < 8; oy++) {
              int from = row + img * 64 + oy * 8;
              int to = target + (oy + ky) * 12 + kx;
              for (int ox = 0; ox < 8; ox++) {
                dPool1[to + ox] += dCols2[from + ox];
              }
            }
          }
        }
      }
    }
    // pool1 and conv1 (the input needs no gradient)
    java.util.Arrays.fill(dConv1, 0);
    for (int i = 0; i < dPool1.length; i++) {
      dConv1[arg1[i]] += dPool1[i];
    }
    int cols = n * 576;
    rowSums(dConv1, C1, cols, g[1]);
    Gemm.sgemm(false, true, C1, 25, cols, dConv1, 0, cols, cols1, 0, cols, g[0], 0, 25);
  }

  private static void addBias(float[] maps, float[] bias, int channels, int columns) {
    for (int c = 0; c < channels; c++) {
      float b = bias[c];
      for (int i = c * columns; i < (c + 1) * columns; i++) {
        maps[i] += b;
      }
    }
  }

  /** 2x2 max pooling of [channels, n, side, side] maps, remembering each maximum's index. */
  private void maxPool(float[] maps, int channels, int side, float[] pooled, int[] where) {
    int half = side / 2;
    for (int c = 0; c < channels; c++) {
      for (int img = 0; img < n; img++) {
        int base = (c * n + img) * side * side;
        int out = (c * n + img) * half * half;
        for (int py = 0; py < half; py++) {
          for (int px = 0; px < half; px++) {
            int best = base + (2 * py) * side + 2 * px;
            for (int a = 0; a < 2; a++) {
              for (int b = 0; b < 2; b++) {
                int at = base + (2 * py + a) * side + 2 * px + b;
                if (maps[at] > maps[best]) {
                  best = at;
                }
              }
            }
            pooled[out + py * half + px] = maps[best];
            where[out + py * half + px] = best;
          }
        }
      }
    }
  }

  private static void columnSums(float[] matrix, int rows, int columns, float[] sums) {
    java.util.Arrays.fill(sums, 0);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        sums[j] += matrix[i * columns + j];
      }
    }
  }

  private static void rowSums(float[] matrix, int rows, int columns, float[] sums) {
    for (int r = 0; r < rows; r++) {
      float sum = 0;
      for (int i = r * columns; i < (r + 1) * columns; i++) {
        sum += matrix[i];
      }
      sums[r] = sum;
    }
  }
}
