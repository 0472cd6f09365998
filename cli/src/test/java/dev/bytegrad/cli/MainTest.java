package dev.bytegrad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path runs;

  /** A fresh run directory under the test's temporary folder. */
  static String out(String name) {
    return runs.resolve(name).toString();
  }

  record Run(int status, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static Run run(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int status = Main.run(args);
      return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  @Test
  void train_withJson_endsWithAOneLineSummary() {
    Run run = run("train", "--model", "softmax", "--epochs", "3", "--json", "--out", out("json"));
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("epoch 1/3").contains("epoch 3/3");
    assertThat(run.lastLine()).startsWith("{\"model\":\"softmax\",\"data\":\"digits\",\"backend\":\"asm\",\"optimizer\":\"momentum\",\"epochs\":3,\"final_loss\":")
        .contains("\"test_accuracy\":0.9").endsWith("}");
  }

  @Test
  void train_linreg_reportsTheClosedFormBesideTheTrainedModel() {
    Run run = run("train", "--model", "linreg", "--epochs", "2", "--json", "--out", out("linreg"));
    assertThat(run.status()).isZero();
    assertThat(run.lastLine()).contains("\"test_mse\":").contains("\"closed_form_test_mse\":");
  }

  @Test
  void train_runsOnEveryBackend_toTheSameResult() {
    String asm = run("train", "--model", "softmax", "--epochs", "2", "--backend", "asm", "--json", "--out", out("asm")).lastLine();
    String javapoet = run("train", "--model", "softmax", "--epochs", "2", "--backend", "javapoet", "--json", "--out", out("javapoet")).lastLine();
    String interpreter = run("train", "--model", "softmax", "--epochs", "2", "--backend", "interpreter", "--json", "--out", out("interpreter")).lastLine();
    assertThat(javapoet).contains("\"backend\":\"javapoet\"");
    assertThat(accuracy(asm)).isEqualTo(accuracy(javapoet)).isEqualTo(accuracy(interpreter));
  }

  private static String accuracy(String json) {
    return json.replaceAll(".*\"test_accuracy\":([0-9.]+).*", "$1");
  }

  @Test
  void inspect_printsTheGraphsAndTheWorkOfEachPhase() {
    Run run = run("inspect", "--model", "mlp");
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("# forward graph: mlp").contains("# loss and gradients, as differentiated")
        .contains("# loss and gradients, simplified (").contains("5 matmuls)").contains("dead code")
        .contains("sum-one-hot-product").contains("%0 = input[name=\"x\"] : f32[32,64]");
  }

  @Test
  void unknownBackend_failsWithTheChoices() {
    Run run = run("train", "--model", "mlp", "--backend", "gpu");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("unknown backend 'gpu'; choose asm, javapoet or interpreter");
  }

  @Test
  void unknownModel_failsWithTheKnownNames() {
    Run run = run("train", "--model", "resnet");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("unknown model 'resnet'; choose one of linreg, logreg, softmax, mlp");
  }

  @Test
  void unknownFlag_failsWithUsage() {
    Run run = run("train", "--model", "mlp", "--turbo");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--turbo'").contains("Usage:");
  }

  @Test
  void badHyperparameters_failWithTheReason() {
    Run run = run("train", "--model", "mlp", "--lr", "-1");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("learning rate must be a positive number, got -1.0");
  }

  @Test
  void divergingTraining_stopsWithAnErrorThatSaysWhen() {
    Run run = run("train", "--model", "linreg", "--lr", "10", "--momentum", "0.99", "--epochs", "50", "--out", out("diverging"));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("the training loss became").contains("try a smaller learning rate");
  }
}
