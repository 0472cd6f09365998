package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.Zoo;
import dev.bytegrad.cli.zoo.ZooModel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Resolving {@code --model NAME} the same way in every command: an unknown name is a usage error listing the known ones. */
final class ModelOption {
  private ModelOption() {}

  static ZooModel resolve(CommandSpec spec, String name) {
    try {
      return Zoo.get(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
