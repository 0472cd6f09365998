package dev.bytegrad.benchmarks;

import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.Tensor;

/**
 * The training step of a {@link Workload} written by hand in plain Java, on the same GEMM kernel the
 * generated code calls: the baseline "what a careful programmer would write" that compiled steps are
 * measured against. Same inputs, outputs and parameter order as the compiled steps, same math (mean
 * softmax cross-entropy, ReLU with derivative 1/2 at 0, momentum {@code v = 0.9 v + g; w -= lr v}).
 */
public final class HandWrittenStep implements CompiledFunction {
  private static final float MOMENTUM = 0.9f;
  private final int d;
  private final int h;
  private final int c;
  private final int b;
  private final boolean hasHidden;
  private final float[] w1;
  private final float[] b1;
  private final float[] w2;
  private final float[] b2;
  private final float[] vw1;
  private final float[] vb1;
  private final float[] vw2;
  private final float[] vb2;
  private final float[] pre;
  private final float[] act;
  private final float[] logits;
  private final float[] dLogits;
  private final float[] dAct;
  private final float[] gw1;
  private final float[] gw2;
  private final float[] gb1;
  private final float[] gb2;

  /** Parameters in the workload's order: for the MLP hidden and output weight and bias, then their velocities. */
  public HandWrittenStep(Workload workload, Tensor[] parameters) {
    d = workload.inputs;
    h = workload.hidden;
    c = workload.classes;
    b = workload.batch;
    hasHidden = h > 0;
    int p = 0;
    w1 = hasHidden ? parameters[p++].floats() : null;
    b1 = hasHidden ? parameters[p++].floats() : null;
    w2 = parameters[p++].floats();
    b2 = parameters[p++].floats();
    vw1 = hasHidden ? parameters[p++].floats() : null;
    vb1 = hasHidden ? parameters[p++].floats() : null;
    vw2 = parameters[p++].floats();
    vb2 = parameters[p].floats();
    int features = hasHidden ? h : d;
    pre = new float[b * Math.max(h, 1)];
    act = new float[b * Math.max(h, 1)];
    logits = new float[b * c];
    dLogits = new float[b * c];
    dAct = new float[b * Math.max(h, 1)];
    gw1 = new float[Math.max(d * h, 1)];
    gw2 = new float[features * c];
    gb1 = new float[Math.max(h, 1)];
    gb2 = new float[c];
  }

  @Override
  public void run(Tensor[] inputs, Tensor[] outputs) {
    float[] x = inputs[0].floats();
    int[] y = inputs[1].ints();
    float rate = inputs[2].floats()[0];
    float[] features = x;
    int width = d;
    if (hasHidden) {
      Gemm.sgemm(false, false, b, h, d, x, 0, d, w1, 0, h, pre, 0, h);
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < h; j++) {
          float v = pre[i * h + j] + b1[j];
          pre[i * h + j] = v;
          act[i * h + j] = Math.max(v, 0f);
        }
      }
      features = act;
      width = h;
    }
    Gemm.sgemm(false, false, b, c, width, features, 0, width, w2, 0, c, logits, 0, c);
    outputs[0].floats()[0] = softmaxCrossEntropy(y);
    Gemm.sgemm(true, false, width, c, b, features, 0, width, dLogits, 0, c, gw2, 0, c);
    columnSums(dLogits, c, gb2);
    if (hasHidden) {
      Gemm.sgemm(false, true, b, h, c, dLogits, 0, c, w2, 0, c, dAct, 0, h);
      for (int i = 0; i < b * h; i++) {
        float v = pre[i];
        dAct[i] *= v > 0 ? 1f : v == 0 ? 0.5f : 0f;
      }
      Gemm.sgemm(true, false, d, h, b, x, 0, d, dAct, 0, h, gw1, 0, h);
      columnSums(dAct, h, gb1);
      update(w1, vw1, gw1, rate);
      update(b1, vb1, gb1, rate);
    }
    update(w2, vw2, gw2, rate);
    update(b2, vb2, gb2, rate);
  }

  /** Adds the bias, returns the mean loss and leaves its gradient with respect to the logits in dLogits. */
  private float softmaxCrossEntropy(int[] y) {
    float total = 0;
    for (int i = 0; i < b; i++) {
      int row = i * c;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        logits[row + j] += b2[j];
        max = Math.max(max, logits[row + j]);
      }
      float sum = 0;
      for (int j = 0; j < c; j++) {
        float e = (float) Math.exp(logits[row + j] - max);
        dLogits[row + j] = e;
        sum += e;
      }
      total += (float) Math.log(sum) + max - logits[row + y[i]];
      for (int j = 0; j < c; j++) {
        dLogits[row + j] = (dLogits[row + j] / sum - (j == y[i] ? 1f : 0f)) / b;
      }
    }
    return total / b;
  }

  private void columnSums(float[] matrix, int columns, float[] sums) {
    for (int j = 0; j < columns; j++) {
      sums[j] = 0;
    }
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < columns; j++) {
        sums[j] += matrix[i * columns + j];
      }
    }
  }

  private static void update(float[] w, float[] v, float[] g, float rate) {
    for (int i = 0; i < w.length; i++) {
      v[i] = MOMENTUM * v[i] + g[i];
      w[i] -= rate * v[i];
    }
  }
}
