package dev.bytegrad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.cli.zoo.DataSources;
import dev.bytegrad.cli.zoo.Functions;
import dev.bytegrad.cli.zoo.Zoo;
import dev.bytegrad.cli.zoo.ZooModel;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.codegen.emit.JavaEmitter;
import dev.bytegrad.codegen.lower.Lowering;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated Java of softmax regression's and the MLP's training steps, diffed against files checked
 * in under {@code src/test/resources/golden}. A change to lowering or emission shows up here as a diff
 * to review; after reviewing, regenerate with {@code ./mvnw test -pl cli -Dbytegrad.updateGolden=true}.
 */
class GoldenCodeTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @ParameterizedTest
  @ValueSource(strings = {"softmax", "mlp"})
  void trainingStep_matchesTheGoldenSource(String name) throws IOException {
    ZooModel model = Zoo.get(name);
    Functions step = Functions.trainingStep(model, DataSources.load("digits", 0, 1).dims(), model.defaults().batchSize());
    String source = JavaEmitter.emit(Lowering.lower(name + "_step", GraphCompiler.simplify(step.step())));
    Path file = GOLDEN.resolve(name + "_step.java.txt");
    if (Boolean.getBoolean("bytegrad.updateGolden")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, source, StandardCharsets.UTF_8);
    }
    assertThat(file).as("golden file; create it with -Dbytegrad.updateGolden=true").exists();
    assertThat(source).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
