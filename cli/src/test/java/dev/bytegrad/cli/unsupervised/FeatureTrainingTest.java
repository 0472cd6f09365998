package dev.bytegrad.cli.unsupervised;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature-learning models train by compiled L-BFGS and leave their features as pictures. */
class FeatureTrainingTest {
  @TempDir
  Path runs;

  private Map<String, Object> run(String model, int features, int iterations, int examples, Path directory) {
    StringWriter text = new StringWriter();
    return new FeatureTraining(new FeatureTraining.Options(model, features, iterations, examples, 8, 1, Backend.ASM), directory,
        new PrintWriter(text)).run().figures();
  }

  @Test
  void sparseAutoencoder_endsWithAverageActivationNearItsTarget() {
    Map<String, Object> figures = run("sparse-autoencoder", 16, 150, 3000, runs);
    assertThat((double) figures.get("final_loss")).isLessThan(0.5 * (double) figures.get("initial_loss"));
    assertThat((double) figures.get("mean_activation")).as("mean hidden activation, target 0.01").isBetween(0.005, 0.02);
    assertThat(runs.resolve("features.png")).exists();
    assertThat(runs.resolve("parameters.safetensors")).exists();
    assertThat(runs.resolve("summary.json")).content().contains("\"mean_activation\"");
  }

  @Test
  void linearDecoder_learnsFromWhitenedPatches_withActivationNearItsTarget() {
    Map<String, Object> figures = new FeatureTraining(new FeatureTraining.Options("sparse-autoencoder", 16, 120, 3000, 8, 1,
        Backend.ASM, "patches", true), null, new PrintWriter(new StringWriter())).run().figures();
    assertThat(figures.get("decoder")).isEqualTo("linear");
    assertThat((double) figures.get("final_loss")).isLessThan(0.5 * (double) figures.get("initial_loss"));
    assertThat((double) figures.get("mean_activation")).as("target 0.035").isBetween(0.02, 0.05);
  }

  @Test
  void rica_andSparseCoding_lowerTheirObjectives() {
    Map<String, Object> rica = run("rica", 16, 100, 2000, runs.resolve("rica"));
    assertThat((double) rica.get("final_loss")).isLessThan(0.8 * (double) rica.get("initial_loss"));
    Map<String, Object> coding = run("sparse-coding", 16, 3, 500, null);
    assertThat((double) coding.get("final_loss")).isLessThan((double) coding.get("initial_loss"));
    assertThat((double) coding.get("share_of_codes_near_zero")).isGreaterThan(0.2);
  }

  @Test
  void selfTaught_fineTunedFromTheUnlabeledDigits_beatsRawPixelsOnTheSameHundredLabels() {
    Map<String, Object> figures = run("self-taught", 64, 100, 100, null);
    double raw = (double) figures.get("raw_pixels_test_accuracy");
    assertThat(raw).isGreaterThan(0.9);
    assertThat((double) figures.get("self_taught_test_accuracy")).isGreaterThan(0.9);
    assertThat((double) figures.get("fine_tuned_test_accuracy")).as("fine-tuned against raw pixels %s", raw).isGreaterThan(raw);
  }
}
