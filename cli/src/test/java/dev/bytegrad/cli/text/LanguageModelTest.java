package dev.bytegrad.cli.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bytegrad.cli.train.ProgressReporter;
import dev.bytegrad.codegen.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Character language models trained on the head of the shipped text, scored on its held-out tail. */
class LanguageModelTest {
  private static Corpus head;

  @TempDir
  static Path runs;

  @BeforeAll
  static void loadText() {
    Corpus genesis = Corpus.load("genesis");
    head = Corpus.of("genesis-head", genesis.decode(genesis.train()).substring(0, 60_000));
  }

  private static LanguageModelTrainer.Result train(CharModel.Kind kind, int epochs, boolean truncated, Backend backend, Path out) {
    LanguageModelTrainer.Options options = new LanguageModelTrainer.Options(kind, 64, 32, 16, epochs, "adam", 0.003, 0.9, 0, 5,
        truncated, 1);
    ProgressReporter quiet = new ProgressReporter(new PrintWriter(new StringWriter()), ProgressReporter.Mode.QUIET, false);
    return new LanguageModelTrainer(head, options, backend, out, quiet).train();
  }

  @Test
  void lstm_learnsTheText_heldOutBitsPerCharacterFallWellBelowTheUnigramEntropy() {
    LanguageModelTrainer.Result result = train(CharModel.Kind.LSTM, 3, true, Backend.ASM, runs.resolve("lstm"));
    assertThat(result.unigramBits()).isBetween(4.0, 4.6);
    assertThat(result.history().get(0).heldOutBits()).isGreaterThan(result.last().heldOutBits());
    assertThat(result.last().heldOutBits()).as("held-out bits/char").isLessThan(result.unigramBits() - 1.0);
    assertThat(result.last().heldOutPerplexity()).isEqualTo(Math.pow(2, result.last().heldOutBits()));
    assertThat(runs.resolve("lstm/best.safetensors")).exists();
    assertThat(runs.resolve("lstm/summary.json")).content().contains("\"held_out_bits_per_char\"").contains("\"unigram_bits_per_char\"");
    assertThat(runs.resolve("lstm/bits.png")).exists();
  }

  @Test
  void sample_sameSeedGivesTheSameText_anotherSeedOtherText_allFromTheVocabulary() throws Exception {
    train(CharModel.Kind.LSTM, 1, true, Backend.ASM, runs.resolve("sampled"));
    Sampler sampler = Sampler.load(runs.resolve("sampled/best.safetensors"), Backend.ASM);
    String first = sampler.sample("And God", 120, 0.8, 42);
    String again = sampler.sample("And God", 120, 0.8, 42);
    String other = sampler.sample("And God", 120, 0.8, 43);
    assertThat(first).hasSize(120).isEqualTo(again).isNotEqualTo(other);
    assertThat(first.codePoints().allMatch(c -> head.vocabulary().indexOf(c) >= 0)).isTrue();
    assertThatThrownBy(() -> sampler.sample("#", 10, 1, 1)).hasMessageContaining("'#'").hasMessageContaining("not in the model's vocabulary");
  }

  @Test
  void rnn_fullBptt_trainsAndTheBackendsAgree() {
    LanguageModelTrainer.Result asm = train(CharModel.Kind.RNN, 1, false, Backend.ASM, null);
    LanguageModelTrainer.Result javapoet = train(CharModel.Kind.RNN, 1, false, Backend.JAVAPOET, null);
    assertThat(asm.last().heldOutBits()).isLessThan(asm.unigramBits());
    assertThat(javapoet.last().heldOutBits()).isCloseTo(asm.last().heldOutBits(), within(1e-5));
    assertThat(javapoet.last().trainBits()).isCloseTo(asm.last().trainBits(), within(1e-5));
  }

  @Test
  void corpus_splitsNinetyTenAndMapsEveryCharacter() {
    Corpus corpus = Corpus.of("tiny", "abracadabra ".repeat(100));
    assertThat(corpus.vocabulary()).isEqualTo(" abcdr");
    assertThat(corpus.train()).hasSize(1080);
    assertThat(corpus.heldOut()).hasSize(120);
    assertThat(corpus.decode(corpus.train()).substring(0, 12)).isEqualTo("abracadabra ");
  }

  @Test
  void corpus_badInputsSayWhatIsWrong(@TempDir Path directory) throws Exception {
    assertThatThrownBy(() -> Corpus.of("short", "too short")).hasMessageContaining("short has 9 characters");
    assertThatThrownBy(() -> Corpus.load("text:" + directory.resolve("missing.txt"))).hasMessageContaining("does not exist");
    Path latin1 = directory.resolve("latin1.txt");
    byte[] bytes = ("x".repeat(700) + "caf\u00e9").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(latin1, bytes);
    assertThatThrownBy(() -> Corpus.load("text:" + latin1)).hasMessageContaining("not UTF-8").hasMessageContaining("offset 703");
    assertThatThrownBy(() -> Corpus.load("shakespeare")).hasMessageContaining("genesis, text:FILE");
  }

  @Test
  void trainer_batchTooLargeForTheText_isRefusedWithTheFix() {
    LanguageModelTrainer.Options options = new LanguageModelTrainer.Options(CharModel.Kind.RNN, 8, 64, 4096, 1, "adam", 0.01, 0.9, 0,
        0, true, 1);
    ProgressReporter quiet = new ProgressReporter(new PrintWriter(new StringWriter()), ProgressReporter.Mode.QUIET, false);
    assertThatThrownBy(() -> new LanguageModelTrainer(head, options, Backend.ASM, null, quiet))
        .hasMessageContaining("lower --batch or --seq-length");
  }
}
