package dev.bytegrad.cli.train;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.runtime.io.CheckpointException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a training checkpoint's metadata holds beside the tensors: which model on which data, the
 * {@link TrainingOptions}, and where training stood (epoch history, step count, best epoch), so that
 * {@code train --resume} continues the trajectory and {@code eval} rebuilds the model.
 */
public final class Checkpoint {
  /** The format tag of bytegrad's training checkpoints. */
  public static final String FORMAT = "bytegrad-training-1";

  /** Where training stood when the checkpoint was written. */
  record State(List<Trainer.Epoch> history, long step, int bestEpoch, double bestLoss) {}

  /** The model and data a checkpoint was trained on. */
  public record Identity(String model, Integer hidden, String data, double validation, int features, int classes) {}

  private Checkpoint() {}

  static Map<String, String> metadata(ZooModel model, Data data, TrainingOptions options, List<Trainer.Epoch> history,
      long step, int bestEpoch, double bestLoss) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", FORMAT);
    metadata.put("model", model.name());
    metadata.putAll(model.settings());
    metadata.put("data", data.spec());
    metadata.put("validation", Double.toString(data.validationFraction()));
    metadata.put("features", Integer.toString(data.dims().features()));
    metadata.put("classes", Integer.toString(data.dims().classes()));
    metadata.putAll(options.metadata());
    metadata.put("step", Long.toString(step));
    metadata.put("best_epoch", Integer.toString(bestEpoch));
    metadata.put("best_loss", Double.toString(bestLoss));
    StringBuilder lines = new StringBuilder();
    for (Trainer.Epoch e : history) {
      lines.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%s,%s,%s;", e.epoch(), e.trainLoss(), e.trainScore(),
          e.validationLoss(), e.validationScore(), e.testLoss(), e.testScore(), e.seconds()));
    }
    metadata.put("history", lines.toString());
    return metadata;
  }

  /** The model and data named by {@code metadata}; fails when it is not a bytegrad training checkpoint. */
  public static Identity identity(Map<String, String> metadata) {
    Metadata m = new Metadata(metadata);
    if (!FORMAT.equals(metadata.get("format"))) {
      throw new CheckpointException("not a bytegrad training checkpoint (format \""
          + metadata.get("format") + "\", expected \"" + FORMAT + "\")");
    }
    return new Identity(m.text("model"), metadata.containsKey("hidden") ? m.integer("hidden") : null, m.text("data"),
        m.number("validation"), m.integer("features"), m.integer("classes"));
  }

  static State state(Map<String, String> metadata) {
    identity(metadata);
    Metadata m = new Metadata(metadata);
    List<Trainer.Epoch> history = new ArrayList<>();
    for (String line : m.text("history").split(";")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",");
      try {
        history.add(new Trainer.Epoch(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
            Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
            Double.parseDouble(f[7])));
      } catch (RuntimeException e) {
        throw new CheckpointException("the checkpoint's history line \"" + line + "\" is malformed", e);
      }
    }
    return new State(history, m.longInteger("step"), m.integer("best_epoch"), m.number("best_loss"));
  }
}
