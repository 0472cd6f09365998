package dev.bytegrad.cli;

import static dev.bytegrad.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training command end to end: run directories, resuming, evaluating, checking gradients, other data. */
class TrainingRunTest {
  @TempDir
  Path directory;

  private static double number(String json, String key) {
    return Double.parseDouble(json.replaceAll(".*\"" + key + "\":([-0-9.eE]+).*", "$1"));
  }

  @Test
  void train_writesCheckpointsSummaryAndCurves() throws IOException {
    Path out = directory.resolve("run");
    MainTest.Run run = run("train", "--model", "mlp", "--epochs", "3", "--out", out.toString(), "--json");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(out.resolve("checkpoint.safetensors")).exists();
    assertThat(out.resolve("best.safetensors")).exists();
    String summary = Files.readString(out.resolve("summary.json"));
    assertThat(summary).startsWith("{\"model\":\"mlp\",\"hidden\":\"64\",\"data\":\"digits\"").contains("\"epochs_run\":3")
        .contains("\"history\":[{\"epoch\":1,");
    for (String plot : new String[] {"loss.png", "accuracy.png"}) {
      byte[] png = Files.readAllBytes(out.resolve(plot));
      assertThat(png).as(plot).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
    SafeTensors.Contents checkpoint = SafeTensors.read(out.resolve("checkpoint.safetensors"));
    assertThat(checkpoint.tensors()).containsKeys("hidden.weight", "hidden.weight.velocity", "output.bias");
    assertThat(checkpoint.metadata()).containsEntry("model", "mlp").containsEntry("optimizer", "momentum");

    MainTest.Run eval = run("eval", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--json");
    assertThat(eval.status()).as(eval.err()).isZero();
    assertThat(number(eval.lastLine(), "test_accuracy")).isEqualTo(number(run.lastLine(), "test_accuracy"));
  }

  @Test
  void resumedRun_endsBitwiseEqualToAnUninterruptedOne() throws IOException {
    String[] settings = {"--model", "mlp", "--optimizer", "adam", "--lr", "0.003", "--schedule", "step:1:0.7", "--progress", "none"};
    Path whole = directory.resolve("whole");
    Path halves = directory.resolve("halves");
    assertThat(run(concat(settings, "train", "--epochs", "4", "--out", whole.toString())).status()).isZero();
    assertThat(run(concat(settings, "train", "--epochs", "2", "--out", halves.toString())).status()).isZero();
    MainTest.Run resumed = run("train", "--resume", halves.toString(), "--epochs", "4", "--progress", "log");
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming at epoch 3 of 4").contains("epoch 4/4").doesNotContain("epoch 2/4");
    Map<String, Tensor> expected = SafeTensors.read(whole.resolve("checkpoint.safetensors")).tensors();
    Map<String, Tensor> actual = SafeTensors.read(halves.resolve("checkpoint.safetensors")).tensors();
    assertThat(actual.keySet()).contains("adam.step", "hidden.weight.first_moment").isEqualTo(expected.keySet());
    expected.forEach((name, tensor) -> assertThat(actual.get(name)).as(name).isEqualTo(tensor));
    assertThat(actual.get("adam.step").getDouble(0)).isEqualTo(4 * 41.0); // 1294 examples in batches of 32
    assertThat(Files.readString(halves.resolve("summary.json"))).contains("\"epochs_run\":4");
  }

  @Test
  void profile_printsAndWritesWhereTheStepsTimeWent_andTrainsTheSame() throws IOException {
    Path out = directory.resolve("profiled");
    MainTest.Run profiled = run("train", "--model", "mlp", "--epochs", "2", "--profile", "--json", "--progress", "none",
        "--out", out.toString());
    MainTest.Run plain = run("train", "--model", "mlp", "--epochs", "2", "--json", "--progress", "none",
        "--out", directory.resolve("plain").toString());
    assertThat(profiled.status()).as(profiled.err()).isZero();
    assertThat(number(profiled.lastLine(), "final_loss")).isEqualTo(number(plain.lastLine(), "final_loss"));
    String report = Files.readString(out.resolve("kernel-times.txt"));
    // 1,294 examples: 40 full batches of 32 an epoch, timed in the second; the last batch of 14 has its own step
    assertThat(report).startsWith("kernel times of the step (batch 32): ").contains("over the 40 steps after the first epoch")
        .containsPattern("\\nk[0-9]+ +[0-9.]+ +[0-9.]+%  %[0-9]+ = [a-z_]+ ").containsPattern("\\ntotal .* 100.0%  [0-9]+ kernels, 40 calls\\n");
    assertThat(profiled.out()).contains(report).contains("written to " + out.resolve("kernel-times.txt"));

    MainTest.Run interpreted = run("train", "--model", "mlp", "--epochs", "1", "--profile", "--backend", "interpreter",
        "--out", directory.resolve("interpreted").toString());
    assertThat(interpreted.status()).isEqualTo(2);
    assertThat(interpreted.err()).contains("--profile times the compiled step's kernels; the interpreter has none");
    MainTest.Run lbfgs = run("train", "--model", "linreg", "--optimizer", "lbfgs", "--profile",
        "--out", directory.resolve("lbfgs").toString());
    assertThat(lbfgs.status()).isEqualTo(2);
    assertThat(lbfgs.err()).contains("an L-BFGS run has none");
  }

  @Test
  void resumingWithADifferentSetting_isRefused() {
    Path out = directory.resolve("run");
    assertThat(run("train", "--model", "softmax", "--epochs", "1", "--out", out.toString(), "--progress", "none").status()).isZero();
    MainTest.Run run = run("train", "--resume", out.toString(), "--epochs", "2", "--lr", "0.5");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("the checkpoint was trained with --lr 0.1; resuming with 0.5 would not continue its run");
  }

  @Test
  void earlyStopping_stopsWhenValidationLossStopsImproving() {
    MainTest.Run run = run("train", "--model", "mlp", "--epochs", "60", "--patience", "1", "--lr", "0.2", "--json",
        "--out", directory.resolve("run").toString(), "--progress", "none");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("stopped early after epoch");
    assertThat(number(run.lastLine(), "epochs")).isLessThan(60);
    assertThat(run.lastLine()).contains("\"stopped_early\":true");
  }

  @Test
  void lbfgs_fitsLinearRegressionToTheClosedForm() {
    MainTest.Run run = run("train", "--model", "linreg", "--optimizer", "lbfgs", "--epochs", "100", "--json",
        "--out", directory.resolve("run").toString(), "--progress", "none");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(number(run.lastLine(), "test_mse")).isCloseTo(number(run.lastLine(), "closed_form_test_mse"), within(0.1));
  }

  @Test
  void everyOptimizerAndSchedule_trainsFromTheCommandLine() {
    String[][] variants = {{"--optimizer", "sgd", "--lr", "0.5", "--schedule", "cosine"},
        {"--optimizer", "nesterov", "--warmup", "20"}, {"--optimizer", "adagrad", "--lr", "0.05"},
        {"--optimizer", "rmsprop", "--lr", "0.003", "--clip-norm", "1"}, {"--optimizer", "adamw", "--lr", "0.003", "--weight-decay", "0.05"}};
    for (String[] variant : variants) {
      MainTest.Run run = run(concat(variant, "train", "--model", "softmax", "--epochs", "3", "--json", "--progress", "none",
          "--out", directory.resolve(variant[1]).toString()));
      assertThat(run.status()).as(String.join(" ", variant) + run.err()).isZero();
      assertThat(number(run.lastLine(), "test_accuracy")).as(String.join(" ", variant)).isGreaterThan(0.85);
    }
  }

  @Test
  void cnn_savesItsFirstLayersFilters_andLenetRefusesImagesTooSmall() throws IOException {
    Path out = directory.resolve("cnn");
    MainTest.Run run = run("train", "--model", "cnn", "--epochs", "1", "--out", out.toString(), "--progress", "none");
    assertThat(run.status()).as(run.err()).isZero();
    java.awt.image.BufferedImage filters = javax.imageio.ImageIO.read(out.resolve("filters.png").toFile());
    assertThat(filters.getWidth()).isEqualTo(4 * (3 * 8 + 2) + 2);
    MainTest.Run lenet = run("train", "--model", "lenet", "--data", "digits", "--out", directory.resolve("lenet").toString());
    assertThat(lenet.status()).isEqualTo(1);
    assertThat(lenet.err()).contains("conv2d layer conv2").contains("a 2x2 input is smaller than the window");
  }

  @Test
  void gradcheck_reportsTheWorstRelativeError() {
    MainTest.Run run = run("gradcheck", "--model", "mlp", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("worst relative error").contains("passed");
    assertThat(number(run.lastLine(), "worst_relative_error")).isLessThan(1e-3);
    MainTest.Run strict = run("gradcheck", "--model", "mlp", "--tolerance", "1e-12");
    assertThat(strict.status()).isEqualTo(1);
    assertThat(strict.out()).contains("FAILED");
  }

  /** Four classes of 4x4 images, each class brightest in its own quadrant, as MNIST-style IDX files. */
  private Path writeIdx(int train, int test) throws IOException {
    Path data = Files.createDirectories(directory.resolve("idx"));
    SplittableRandom random = new SplittableRandom(3);
    for (String prefix : new String[] {"train", "t10k"}) {
      int n = prefix.equals("train") ? train : test;
      ByteBuffer images = ByteBuffer.allocate(16 + n * 16).putInt(0x00000803).putInt(n).putInt(4).putInt(4);
      ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x00000801).putInt(n);
      for (int i = 0; i < n; i++) {
        int label = random.nextInt(4);
        labels.put((byte) label);
        for (int pixel = 0; pixel < 16; pixel++) {
          int quadrant = (pixel / 8) * 2 + (pixel % 4) / 2;
          images.put((byte) (random.nextInt(100) + (quadrant == label ? 120 : 0)));
        }
      }
      Files.write(data.resolve(prefix + "-images-idx3-ubyte"), images.array());
      Files.write(data.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }
    return data;
  }

  @Test
  void idxData_trainsEndToEnd_andDamagedFilesFailClearly() throws IOException {
    Path data = writeIdx(300, 100);
    MainTest.Run run = run("train", "--model", "softmax", "--data", "idx:" + data, "--epochs", "5", "--json", "--progress", "none",
        "--out", directory.resolve("run").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("on idx:" + data + ": 270 training, 30 validation, 100 test examples");
    assertThat(number(run.lastLine(), "test_accuracy")).isGreaterThan(0.9);

    byte[] labels = Files.readAllBytes(data.resolve("t10k-labels-idx1-ubyte"));
    Files.write(data.resolve("t10k-labels-idx1-ubyte"), java.util.Arrays.copyOf(labels, labels.length - 5));
    MainTest.Run damaged = run("train", "--model", "softmax", "--data", "idx:" + data, "--out", directory.resolve("bad").toString());
    assertThat(damaged.status()).isEqualTo(1);
    assertThat(damaged.err()).contains("t10k-labels-idx1-ubyte is truncated").contains("only 95 bytes follow");
    Files.delete(data.resolve("t10k-labels-idx1-ubyte"));
    MainTest.Run missing = run("train", "--model", "softmax", "--data", "idx:" + data, "--out", directory.resolve("bad").toString());
    assertThat(missing.err()).contains("missing IDX file").contains("t10k-labels-idx1-ubyte");
  }

  @Test
  void wrongDataForTheModel_andUnknownData_failClearly() {
    MainTest.Run regression = run("train", "--model", "linreg", "--data", "digits", "--out", directory.resolve("x").toString());
    assertThat(regression.status()).isEqualTo(1);
    assertThat(regression.err()).contains("linreg is a regression model but digits is a classification data set");
    MainTest.Run unknown = run("train", "--model", "mlp", "--data", "cifar");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown data set 'cifar'; choose one of digits, diabetes, fashion-mnist, idx:DIR");
  }

  @Test
  void everyCommand_hasHelp() {
    for (String command : new String[] {"train", "eval", "codegen", "gradcheck", "inspect"}) {
      MainTest.Run run = run(command, "--help");
      assertThat(run.status()).as(command).isZero();
      assertThat(run.out()).as(command).contains("Usage: bytegrad " + command);
    }
  }

  private static String[] concat(String[] tail, String... head) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }
}
