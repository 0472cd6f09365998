package dev.bytegrad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --model char-*} and {@code sample} from the command line, and their errors. */
class TextCommandsTest {
  @TempDir
  static Path runs;

  @Test
  void trainThenSample_fromTheCommandLine() throws Exception {
    Path text = runs.resolve("text.txt");
    Files.writeString(text, "the cat sat on the mat. the dog sat on the log.\n".repeat(300));
    Path out = runs.resolve("rnn");
    MainTest.Run train = MainTest.run("train", "--model", "char-rnn", "--data", "text:" + text, "--hidden", "32", "--seq-length", "16",
        "--batch", "8", "--epochs", "2", "--lr", "0.01", "--progress", "none", "--json", "--out", out.toString(), "--profile");
    assertThat(train.status()).as(train.err()).isZero();
    assertThat(train.out()).contains("unigram entropy").contains("held-out")
        .contains("kernel times of the step (batch 8, 16 characters): ").contains("after the first epoch");
    assertThat(Files.readString(out.resolve("kernel-times.txt"))).contains("total").contains("kernels, ");
    assertThat(train.lastLine()).startsWith("{\"model\":\"char-rnn\"").contains("\"held_out_bits_per_char\":");
    MainTest.Run sample = MainTest.run("sample", "--checkpoint", out.toString(), "--length", "80", "--seed", "7", "--prime", "the ");
    MainTest.Run again = MainTest.run("sample", "--checkpoint", out.toString(), "--length", "80", "--seed", "7", "--prime", "the ");
    assertThat(sample.status()).as(sample.err()).isZero();
    assertThat(sample.out()).startsWith("the ").isEqualTo(again.out());
    assertThat(sample.out().strip().length()).isGreaterThanOrEqualTo(60);
  }

  @Test
  void sample_ofAClassifierCheckpoint_saysWhatItNeeds() {
    Path out = runs.resolve("softmax");
    assertThat(MainTest.run("train", "--model", "softmax", "--epochs", "1", "--progress", "none", "--out", out.toString()).status()).isZero();
    MainTest.Run sample = MainTest.run("sample", "--checkpoint", out.toString());
    assertThat(sample.status()).isEqualTo(2);
    assertThat(sample.err()).contains("a softmax model").contains("char-rnn or char-lstm");
  }

  @Test
  void trainCharModel_withFlagsThatDoNotApply_isRefused() {
    MainTest.Run resume = MainTest.run("train", "--model", "char-lstm", "--patience", "3");
    assertThat(resume.status()).isEqualTo(2);
    assertThat(resume.err()).contains("--patience is not available for char-lstm");
    MainTest.Run bptt = MainTest.run("train", "--model", "char-lstm", "--bptt", "sometimes");
    assertThat(bptt.status()).isEqualTo(2);
    assertThat(bptt.err()).contains("unknown --bptt mode 'sometimes'");
    MainTest.Run mlp = MainTest.run("train", "--model", "mlp", "--seq-length", "8");
    assertThat(mlp.status()).isEqualTo(2);
    assertThat(mlp.err()).contains("--seq-length and --bptt are for the character models");
  }
}
