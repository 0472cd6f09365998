package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.DataSources;
import dev.bytegrad.cli.zoo.Zoo;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.Backend;
import dev.bytegrad.runtime.Gemm;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Resolving {@code --model}, {@code --hidden}, {@code --data} and {@code --backend} the same way in every command: an
 * unknown name is a usage error listing the known ones; a data set that cannot be loaded is a failure
 * that says why.
 */
final class ModelOption {
  private ModelOption() {}

  static ZooModel resolve(CommandSpec spec, String name) {
    return resolve(spec, name, null);
  }

  static ZooModel resolve(CommandSpec spec, String name, Integer hidden) {
    if (dev.bytegrad.cli.text.CharModel.Kind.isCharModel(name)) {
      throw new ParameterException(spec.commandLine(), name + " is a language model: train it with 'train --model " + name
          + "' and generate text from its checkpoint with 'sample'; " + spec.name() + " works on the classifiers and regressions of the zoo");
    }
    try {
      return Zoo.get(name, hidden);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /** {@code --backend NAME}; an unknown name is a usage error listing the known ones. */
  static Backend backend(CommandSpec spec, String name) {
    try {
      return Backend.parse(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /** Applies {@code --threads N} when given; fewer than 1 is a usage error. */
  static void threads(CommandSpec spec, Integer threads) {
    if (threads == null) {
      return;
    }
    if (threads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
    }
    Gemm.setThreads(threads);
  }

  /** The data {@code model} trains on: {@code data}, or the model's default when null, prepared for it. */
  static Data data(CommandSpec spec, ZooModel model, String data, double validation, long seed) {
    String name = data != null ? data : model.defaultData();
    if (!DataSources.NAMES.contains(name) && !name.startsWith("idx:")) {
      throw new ParameterException(spec.commandLine(),
          "unknown data set '" + name + "'; choose one of " + String.join(", ", DataSources.NAMES));
    }
    if (!(validation >= 0 && validation < 1)) {
      throw new ParameterException(spec.commandLine(), "the validation fraction must be in [0, 1), got " + validation);
    }
    try {
      return model.prepare(DataSources.load(name, validation, seed));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--data " + name + ": " + e.getMessage(), e);
    }
  }
}
