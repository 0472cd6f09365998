package dev.bytegrad.cli.train;

import dev.bytegrad.graph.train.Optimizer;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.runtime.train.Schedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything that decides a training run's trajectory: with the same options, data and seed, two runs
 * (or a run and its resumption) compute the same parameters bit for bit. They are saved in every
 * checkpoint's metadata and read back from it on resume.
 *
 * @param optimizer one of {@link Optimizer#NAMES} or {@code lbfgs} (full-batch; epochs count its iterations)
 * @param schedule {@code constant}, {@code step:EPOCHS:GAMMA} (multiply by GAMMA every EPOCHS epochs) or
 *     {@code cosine} (anneal to 0 over the run)
 * @param warmup steps of linear learning-rate warm-up before the schedule
 * @param patience epochs without a better validation loss before stopping early; 0 never stops early
 */
public record TrainingOptions(int epochs, int batchSize, String optimizer, double learningRate, double momentum,
    double weightDecay, double clipNorm, String schedule, int warmup, long seed, boolean dropLast, int patience) {

  /** The optimizer names {@code --optimizer} accepts. */
  public static final List<String> OPTIMIZERS = Stream.concat(Optimizer.NAMES.stream(), Stream.of("lbfgs")).toList();

  public TrainingOptions {
    if (epochs < 1 || batchSize < 1) {
      throw new IllegalArgumentException("epochs and batch size must be at least 1, got " + epochs + " and " + batchSize);
    }
    if (!OPTIMIZERS.contains(optimizer)) {
      throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; choose one of " + String.join(", ", OPTIMIZERS));
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (warmup < 0 || patience < 0) {
      throw new IllegalArgumentException("warm-up steps and patience must not be negative");
    }
    regularization(weightDecay, clipNorm, optimizer);
    schedule(schedule, learningRate, 1, 1);
  }

  /** Whether the run is full-batch L-BFGS rather than minibatch steps. */
  public boolean isLbfgs() {
    return optimizer.equals("lbfgs");
  }

  /** The optimizer as graph; AdamW takes the weight decay itself, decoupled. */
  public Optimizer graphOptimizer() {
    return Optimizer.named(optimizer, momentum, weightDecay);
  }

  /** The gradient regularization: L2 decay (except for AdamW, which decouples it) and clipping. */
  public Regularization regularization() {
    return regularization(weightDecay, clipNorm, optimizer);
  }

  private static Regularization regularization(double weightDecay, double clipNorm, String optimizer) {
    return new Regularization(optimizer.equals("adamw") ? 0 : weightDecay, clipNorm);
  }

  /** The learning rate of every step of a run of {@code stepsPerEpoch} steps an epoch. */
  public Schedule schedule(int stepsPerEpoch) {
    return Schedule.warmup(warmup, schedule(schedule, learningRate, stepsPerEpoch, (long) epochs * stepsPerEpoch));
  }

  private static Schedule schedule(String spec, double rate, int stepsPerEpoch, long totalSteps) {
    String[] parts = spec.split(":", -1);
    try {
      if (spec.equals("constant")) {
        return Schedule.constant(rate);
      } else if (spec.equals("cosine")) {
        return Schedule.cosine(rate, totalSteps, 0);
      } else if (parts[0].equals("step") && parts.length == 3) {
        return Schedule.step(rate, Long.parseLong(parts[1]) * stepsPerEpoch, Double.parseDouble(parts[2]));
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted forms
    }
    throw new IllegalArgumentException("unknown schedule '" + spec + "'; use constant, cosine, or step:EPOCHS:GAMMA (e.g. step:10:0.5)");
  }

  /** These options as checkpoint metadata. */
  public Map<String, String> metadata() {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("epochs", Integer.toString(epochs));
    metadata.put("batch", Integer.toString(batchSize));
    metadata.put("optimizer", optimizer);
    metadata.put("lr", Double.toString(learningRate));
    metadata.put("momentum", Double.toString(momentum));
    metadata.put("weight_decay", Double.toString(weightDecay));
    metadata.put("clip_norm", Double.toString(clipNorm));
    metadata.put("schedule", schedule);
    metadata.put("warmup", Integer.toString(warmup));
    metadata.put("seed", Long.toString(seed));
    metadata.put("drop_last", Boolean.toString(dropLast));
    metadata.put("patience", Integer.toString(patience));
    return metadata;
  }

  /** The options saved by {@link #metadata()}; a missing or malformed entry fails naming it. */
  public static TrainingOptions fromMetadata(Map<String, String> metadata) {
    Metadata m = new Metadata(metadata);
    return new TrainingOptions(m.integer("epochs"), m.integer("batch"), m.text("optimizer"), m.number("lr"),
        m.number("momentum"), m.number("weight_decay"), m.number("clip_norm"), m.text("schedule"), m.integer("warmup"),
        m.longInteger("seed"), Boolean.parseBoolean(m.text("drop_last")), m.integer("patience"));
  }
}
