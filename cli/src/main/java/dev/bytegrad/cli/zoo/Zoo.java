package dev.bytegrad.cli.zoo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The models the {@code bytegrad} command knows, by name. */
public final class Zoo {
  private static final Map<String, ZooModel> MODELS = new LinkedHashMap<>();

  static {
    for (ZooModel model : List.of(new LinearRegression(), new LogisticRegression(), new SoftmaxRegression(), new Mlp(Mlp.DEFAULT_HIDDEN), Cnn.small(), Cnn.leNet())) {
      MODELS.put(model.name(), model);
    }
  }

  private Zoo() {}

  /** The model called {@code name}; an unknown name fails listing the known ones. */
  public static ZooModel get(String name) {
    ZooModel model = MODELS.get(name);
    if (model == null) {
      throw new IllegalArgumentException("unknown model '" + name + "'; choose one of " + String.join(", ", names()));
    }
    return model;
  }

  /**
   * The model called {@code name} with a hidden layer of {@code hidden} units; only {@code mlp} has
   * one, so {@code hidden} must be null for the others.
   */
  public static ZooModel get(String name, Integer hidden) {
    ZooModel model = get(name);
    if (hidden == null) {
      return model;
    }
    if (!(model instanceof Mlp)) {
      throw new IllegalArgumentException("--hidden applies to mlp only; " + name + " has no hidden layer");
    }
    return new Mlp(hidden);
  }

  /** Every model name, in a stable order. */
  public static List<String> names() {
    return List.copyOf(MODELS.keySet());
  }
}
