package dev.bytegrad.cli.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
  @TempDir
  Path directory;

  @Test
  void missingFashionMnist_saysHowToInstallIt() {
    assertThatThrownBy(() -> DataSources.fashionMnist(directory.resolve("absent")))
        .hasMessageContaining("Fashion-MNIST is not installed").hasMessageContaining("apt-get install dataset-fashion-mnist")
        .hasMessageContaining("--data idx:DIR");
  }

  @Test
  void validation_isHeldOutOfTheTrainingSet_reproducibly() {
    Data whole = DataSources.load("digits", 0, 7);
    Data held = DataSources.load("digits", 0.25, 7);
    assertThat(whole.hasValidation()).isFalse();
    assertThat(held.validation().size() + held.train().size()).isEqualTo(whole.train().size());
    assertThat(held.validation().size()).isEqualTo(Math.round(0.25 * whole.train().size()));
    assertThat(held.test()).isEqualTo(whole.test());
    assertThat(DataSources.load("digits", 0.25, 7).validation()).isEqualTo(held.validation());
    for (float pixel : held.train().features().floats()) {
      assertThat(pixel).isBetween(0f, 1f);
    }
  }

  @Test
  void unknownNamesAndBadFractions_areRejected() {
    assertThatThrownBy(() -> DataSources.load("cifar", 0, 1)).hasMessageContaining("unknown data set 'cifar'");
    assertThatThrownBy(() -> DataSources.load("digits", 1, 1)).hasMessageContaining("validation fraction");
  }
}
