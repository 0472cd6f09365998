package dev.bytegrad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pca} and {@code train --model sparse-autoencoder} from the command line, and their refusals. */
class UnsupervisedCommandsTest {
  @TempDir
  static Path runs;

  @Test
  void pca_whitensTheDigits_andWritesTheTransform() {
    Path out = runs.resolve("pca");
    MainTest.Run run = MainTest.run("pca", "--data", "digits", "--retain", "0.99", "--whiten", "pca", "--out", out.toString(), "--json");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("41 of 64 components").contains("largest difference from the identity");
    assertThat(run.lastLine()).contains("\"components\":41");
    assertThat(out.resolve("transform.safetensors")).exists();
    assertThat(out.resolve("components.png")).exists();
    MainTest.Run bad = MainTest.run("pca", "--whiten", "pink", "--out", out.toString());
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown whitening 'pink'; choose none, pca or zca");
  }

  @Test
  void trainSparseAutoencoder_fromTheCommandLine() {
    Path out = runs.resolve("sae");
    MainTest.Run run = MainTest.run("train", "--model", "sparse-autoencoder", "--hidden", "9", "--epochs", "40", "--examples", "1000",
        "--out", out.toString(), "--json");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("mean hidden activation");
    assertThat(run.lastLine()).startsWith("{\"model\":\"sparse-autoencoder\"");
    assertThat(out.resolve("features.png")).exists();
    MainTest.Run refused = MainTest.run("train", "--model", "rica", "--lr", "0.1");
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).contains("--lr is not available for rica");
    MainTest.Run data = MainTest.run("train", "--model", "rica", "--data", "digits");
    assertThat(data.status()).isEqualTo(2);
    assertThat(data.err()).contains("unknown --data 'digits' for rica; choose patches");
    MainTest.Run decoder = MainTest.run("train", "--model", "rica", "--decoder", "linear");
    assertThat(decoder.status()).isEqualTo(2);
    assertThat(decoder.err()).contains("only for sparse-autoencoder");
  }
}
