package dev.bytegrad.cli.train;

import dev.bytegrad.cli.Json;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's directory: {@value #CHECKPOINT} after every epoch, {@value #BEST} at the epoch with
 * the best validation loss (the training loss without a validation set), {@value #SUMMARY} with the
 * settings and every epoch's figures, and the curves {@code loss.png} and {@code accuracy.png} (or
 * {@code mse.png} for regression), and for a convolutional model the first layer's kernels as
 * {@code filters.png}. Every file is replaced atomically, so an interrupted run leaves the
 * last complete checkpoint.
 */
public final class RunDirectory {
  public static final String CHECKPOINT = "checkpoint.safetensors";
  public static final String BEST = "best.safetensors";
  public static final String SUMMARY = "summary.json";
  /** The parameter whose kernels {@code filters.png} shows. */
  static final String FILTERS = "conv1.weight";

  private final Path directory;
  private final Map<String, Object> settings;

  /** A run writing into {@code directory} (created if needed), whose summary starts with {@code settings}. */
  public RunDirectory(Path directory, Map<String, Object> settings) {
    this.directory = directory;
    this.settings = new LinkedHashMap<>(settings);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run directory " + directory + ": " + e.getMessage(), e);
    }
  }

  public Path path() {
    return directory;
  }

  void checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata, boolean best) {
    try {
      SafeTensors.write(directory.resolve(CHECKPOINT), tensors, metadata);
      if (best) {
        SafeTensors.write(directory.resolve(BEST), tensors, metadata);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint into " + directory + ": " + e.getMessage(), e);
    }
  }

  void summary(List<Trainer.Epoch> history, int bestEpoch) {
    Map<String, Object> summary = new LinkedHashMap<>(settings);
    summary.put("epochs_run", history.size());
    summary.put("best_epoch", bestEpoch);
    Trainer.Epoch last = history.get(history.size() - 1);
    summary.put("final", epoch(last));
    List<Object> epochs = new ArrayList<>();
    history.forEach(e -> epochs.add(epoch(e)));
    summary.put("history", epochs);
    writeAtomically(directory.resolve(SUMMARY), Json.value(summary) + "\n");
  }

  private static Map<String, Object> epoch(Trainer.Epoch e) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("epoch", e.epoch());
    fields.put("train_loss", e.trainLoss());
    fields.put("train_score", e.trainScore());
    fields.put("validation_loss", e.validationLoss());
    fields.put("validation_score", e.validationScore());
    fields.put("test_loss", e.testLoss());
    fields.put("test_score", e.testScore());
    fields.put("seconds", e.seconds());
    return fields;
  }

  /** Draws the curves once training has ended, and a first convolution layer's kernels ({@code conv1.weight}). */
  void finish(List<Trainer.Epoch> history, boolean classifier, Map<String, Tensor> parameters) {
    if (history.isEmpty()) {
      return;
    }
    Plots.curves(directory, history, classifier);
    Tensor kernels = parameters.get(FILTERS);
    if (kernels != null && kernels.shape().rank() == 4) {
      Plots.filters(directory.resolve("filters.png"), kernels);
    }
  }

  private static void writeAtomically(Path file, String text) {
    try {
      Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      temporary.toFile().setReadable(true, false);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
