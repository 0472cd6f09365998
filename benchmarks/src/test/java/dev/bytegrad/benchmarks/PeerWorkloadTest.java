package dev.bytegrad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the peers' benchmarks rely on: the parameters by name and shape, and the first loss they must reproduce. */
class PeerWorkloadTest {
  @Test
  void parameters_haveTheDocumentedNamesAndShapes() {
    assertThat(shapes(PeerWorkload.SOFTMAX)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "output.weight", Shape.of(784, 10), "output.bias", Shape.of(10)));
    assertThat(shapes(PeerWorkload.MLP)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "hidden.weight", Shape.of(784, 256), "hidden.bias", Shape.of(256),
        "output.weight", Shape.of(256, 10), "output.bias", Shape.of(10)));
    assertThat(shapes(PeerWorkload.LENET)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "conv1.weight", Shape.of(20, 1, 5, 5), "conv1.bias", Shape.of(20),
        "conv2.weight", Shape.of(50, 20, 5, 5), "conv2.bias", Shape.of(50),
        "dense.weight", Shape.of(800, 500), "dense.bias", Shape.of(500),
        "output.weight", Shape.of(500, 10), "output.bias", Shape.of(10)));
    assertThat(shapes(PeerWorkload.CHAR_LSTM)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "embedding.weight", Shape.of(65, 512), "cell.recurrent", Shape.of(128, 512), "cell.bias", Shape.of(512),
        "output.weight", Shape.of(128, 65), "output.bias", Shape.of(65)));
  }

  @ParameterizedTest
  @EnumSource(value = PeerWorkload.class, names = {"SOFTMAX", "MLP"})
  void firstLoss_isTheCrossEntropyOfTheInitialParametersOnTheBatch(PeerWorkload workload) {
    Map<String, Tensor> p = workload.parameters();
    Tensor[] data = workload.data();
    float[] x = data[0].floats();
    int n = workload.batch;
    int in = 784;
    if (workload == PeerWorkload.MLP) {
      x = dense(x, n, in, p.get("hidden.weight"), p.get("hidden.bias"), true);
      in = 256;
    }
    float[] logits = dense(x, n, in, p.get("output.weight"), p.get("output.bias"), false);
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < 10; j++) {
        max = Math.max(max, logits[i * 10 + j]);
      }
      double sum = 0;
      for (int j = 0; j < 10; j++) {
        sum += Math.exp(logits[i * 10 + j] - max);
      }
      loss += max + Math.log(sum) - logits[i * 10 + data[1].ints()[i]];
    }
    assertThat(workload.firstLoss()).isCloseTo(loss / n, within(1e-5 * loss / n));
  }

  @Test
  void checkFirstLoss_acceptsTheSameLossAndRefusesAnother() {
    double ours = PeerWorkload.SOFTMAX.firstLoss();
    PeerWorkload.SOFTMAX.checkFirstLoss("same", ours * (1 + 5e-5));
    assertThatThrownBy(() -> PeerWorkload.SOFTMAX.checkFirstLoss("Other", ours * 1.001))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Other computes a different SOFTMAX step");
    assertThatThrownBy(() -> PeerWorkload.SOFTMAX.checkFirstLoss("Other", Double.NaN)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void charLstm_firstLossIsNearTheUniformCrossEntropy() {
    // small initial weights: every character about equally likely, ln 65 = 4.17 nats
    assertThat(PeerWorkload.CHAR_LSTM.firstLoss()).isCloseTo(Math.log(65), within(0.05));
  }

  private static Map<String, Shape> shapes(PeerWorkload workload) {
    Map<String, Shape> shapes = new java.util.HashMap<>();
    workload.parameters().forEach((name, value) -> shapes.put(name, value.shape()));
    return shapes;
  }

  private static float[] dense(float[] x, int n, int in, Tensor weight, Tensor bias, boolean relu) {
    int out = weight.shape().dim(1);
    float[] y = new float[n * out];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < out; j++) {
        double sum = bias.floats()[j];
        for (int k = 0; k < in; k++) {
          sum += (double) x[i * in + k] * weight.floats()[k * out + j];
        }
        y[i * out + j] = (float) (relu ? Math.max(0, sum) : sum);
      }
    }
    return y;
  }
}
