package dev.bytegrad.cli;

import dev.bytegrad.cli.zoo.Data;
import dev.bytegrad.cli.zoo.ZooModel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options naming a model and its data, shared by the commands that build a model from scratch. */
final class ModelMixin {
  @Option(names = "--model", required = true, paramLabel = "NAME", description = "linreg, logreg, softmax or mlp")
  String model;

  @Option(names = "--hidden", paramLabel = "N", description = "hidden units of the mlp (default: 64)")
  Integer hidden;

  @Option(names = "--data", paramLabel = "NAME", description = "digits, diabetes, fashion-mnist or idx:DIR (default: the model's)")
  String data;

  ZooModel model(CommandSpec spec) {
    return ModelOption.resolve(spec, model, hidden);
  }

  /** The named data prepared for {@code zooModel}, with no validation set. */
  Data data(CommandSpec spec, ZooModel zooModel, long seed) {
    return ModelOption.data(spec, zooModel, data, 0, seed);
  }
}
