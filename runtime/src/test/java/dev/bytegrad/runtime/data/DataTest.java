package dev.bytegrad.runtime.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class DataTest {
  private static double[][] read(String text) {
    return Csv.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.csv");
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void csv_readsCommaAndWhitespaceSeparatedRows() {
    assertThat(read("1,2,3\n\n4, 5 ,6\n")).isDeepEqualTo(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertThat(read("59 2 32.1\n48 1 21.6\n")).isDeepEqualTo(new double[][] {{59, 2, 32.1}, {48, 1, 21.6}});
  }

  @Test
  void csv_namesTheLineAndColumnOfABadNumber() {
    assertThatThrownBy(() -> read("1,2\n3,x\n")).hasMessage("test.csv line 2, column 2: 'x' is not a number");
    assertThatThrownBy(() -> read("1,2\n3\n")).hasMessage("test.csv line 2: 1 columns, but the first row has 2");
    assertThatThrownBy(() -> read("1,NaN\n")).hasMessageContaining("is not finite");
    assertThatThrownBy(() -> read("\n\n")).hasMessage("test.csv: no rows of data");
  }

  @Test
  void csv_readsGzipAndRejectsATruncatedStream() throws IOException {
    byte[] compressed = gzip("1,2\n3,4\n".repeat(100));
    assertThat(Csv.read(new ByteArrayInputStream(compressed), "t.gz")).hasNumberOfRows(200);
    byte[] truncated = Arrays.copyOf(compressed, compressed.length - 12);
    assertThatThrownBy(() -> Csv.read(new ByteArrayInputStream(truncated), "t.gz"))
        .hasMessage("t.gz: truncated or corrupt gzip data");
  }

  private static Dataset numbered(int n) {
    float[] x = new float[n * 2];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
      y[i] = i;
    }
    return new Dataset(Tensor.ofFloats(Shape.of(n, 2), x), Tensor.ofInts(Shape.of(n), y));
  }

  private static List<Integer> epoch(Minibatches batches, int epoch, List<Integer> sizes) {
    List<Integer> seen = new ArrayList<>();
    batches.forEach(epoch, batch -> {
      sizes.add(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        assertThat(batch.features().floats()[2 * i]).isEqualTo((float) batch.targets().ints()[i]);
        seen.add(batch.targets().ints()[i]);
      }
    });
    return seen;
  }

  @Test
  void minibatches_visitEveryExampleOnceAnEpoch_inAFreshSeededOrder() {
    Minibatches batches = new Minibatches(numbered(10), 4, false, 42);
    List<Integer> sizes = new ArrayList<>();
    List<Integer> first = epoch(batches, 0, sizes);
    assertThat(sizes).containsExactly(4, 4, 2);
    assertThat(first).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    List<Integer> second = epoch(batches, 1, new ArrayList<>());
    assertThat(second).isNotEqualTo(first).containsExactlyInAnyOrderElementsOf(first);
    assertThat(epoch(new Minibatches(numbered(10), 4, false, 42), 1, new ArrayList<>())).isEqualTo(second);
  }

  @Test
  void minibatches_canDropThePartialBatch() {
    Minibatches batches = new Minibatches(numbered(10), 4, true, 1);
    List<Integer> sizes = new ArrayList<>();
    assertThat(epoch(batches, 0, sizes)).hasSize(8);
    assertThat(sizes).containsExactly(4, 4);
    assertThat(batches.batchesPerEpoch()).isEqualTo(2);
  }

  @Test
  void split_isSeededAndDisjoint() {
    Dataset.Split split = numbered(20).split(0.25, 3);
    assertThat(split.test().size()).isEqualTo(5);
    assertThat(split.train().size()).isEqualTo(15);
    List<Integer> all = new ArrayList<>();
    Arrays.stream(split.train().targets().ints()).forEach(all::add);
    Arrays.stream(split.test().targets().ints()).forEach(all::add);
    assertThat(all).containsExactlyInAnyOrderElementsOf(epoch(new Minibatches(numbered(20), 20, false, 0), 0, new ArrayList<>()));
    assertThat(numbered(20).split(0.25, 3).test().targets()).isEqualTo(split.test().targets());
  }

  @Test
  void standardizer_givesZeroMeanUnitVariance_andLeavesConstantFeaturesFinite() {
    Tensor x = Tensor.ofDoubles(Shape.of(4, 2), 1, 5, 2, 5, 3, 5, 4, 5);
    Tensor z = Standardizer.fit(x).apply(x);
    double mean = 0;
    double squares = 0;
    for (int i = 0; i < 4; i++) {
      mean += z.doubles()[2 * i] / 4;
      squares += z.doubles()[2 * i] * z.doubles()[2 * i] / 4;
      assertThat(z.doubles()[2 * i + 1]).isEqualTo(0);
    }
    assertThat(mean).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(squares).isCloseTo(1, org.assertj.core.api.Assertions.within(1e-12));
  }
}
