package dev.bytegrad.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir
  Path directory;

  private static Map<String, Tensor> sample() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("hidden.weight", Tensor.ofFloats(Shape.of(2, 3), 1, -2, 3.5f, 4, 5, Float.MIN_VALUE));
    tensors.put("hidden.bias", Tensor.ofDoubles(Shape.of(2), Math.PI, -0.0));
    tensors.put("adam.step", Tensor.scalar(DType.F32, 7));
    tensors.put("counts", Tensor.ofInts(Shape.of(3), 1, -1, Integer.MAX_VALUE));
    tensors.put("empty", Tensor.zeros(DType.F32, Shape.of(0, 4)));
    return tensors;
  }

  /** A file made of this header text and {@code dataBytes} zero bytes of data. */
  private Path file(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json);
    Path file = directory.resolve("bad.safetensors");
    Files.write(file, buffer.array());
    return file;
  }

  @Test
  void roundTrip_keepsNamesOrderDtypesShapesValuesAndMetadata() throws IOException {
    Path file = directory.resolve("model.safetensors");
    SafeTensors.write(file, sample(), Map.of("epoch", "3", "note", "quote \" and ünïcode"));
    SafeTensors.Contents contents = SafeTensors.read(file);
    assertThat(contents.tensors()).isEqualTo(sample());
    assertThat(contents.tensors().keySet()).containsExactlyElementsOf(sample().keySet());
    assertThat(contents.metadata()).containsEntry("epoch", "3").containsEntry("note", "quote \" and ünïcode");
    assertThat(Files.size(file) % 8).as("data 8-byte aligned").isZero();
    assertThat(directory.toFile().list()).as("no temporary file left").containsExactly("model.safetensors");
  }

  @Test
  void write_replacesAnExistingFileWhole() throws IOException {
    Path file = directory.resolve("model.safetensors");
    Files.writeString(file, "an older, longer file that must disappear entirely ".repeat(20));
    SafeTensors.write(file, Map.of("x", Tensor.ofFloats(Shape.of(1), 2)), Map.of());
    assertThat(SafeTensors.read(file).tensors()).containsOnlyKeys("x");
  }

  @Test
  void load_fillsTheTargets_andRejectsAModelThatDiffers_withoutTouchingIt() throws IOException {
    Path file = directory.resolve("model.safetensors");
    SafeTensors.write(file, sample(), Map.of("epoch", "3"));
    Map<String, Tensor> targets = new LinkedHashMap<>();
    sample().forEach((name, tensor) -> targets.put(name, Tensor.zeros(tensor.dtype(), tensor.shape())));
    assertThat(SafeTensors.load(file, targets)).containsEntry("epoch", "3");
    assertThat(targets).isEqualTo(sample());

    Map<String, Tensor> other = new LinkedHashMap<>(targets);
    other.put("hidden.weight", Tensor.zeros(DType.F32, Shape.of(3, 2)));
    other.remove("counts");
    other.put("output.bias", Tensor.zeros(DType.F32, Shape.of(1)));
    assertThatThrownBy(() -> SafeTensors.load(file, other))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("hidden.weight is f32[2,3] in the file but f32[3,2] in the model")
        .hasMessageContaining("missing output.bias").hasMessageContaining("unexpected counts");
    assertThat(other.get("hidden.bias").doubles()).containsExactly(Math.PI, -0.0);
  }

  @Test
  void truncatedFile_isRejected() throws IOException {
    Path file = directory.resolve("model.safetensors");
    SafeTensors.write(file, sample(), Map.of());
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length - 3));
    assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("is truncated");
    Files.write(file, Arrays.copyOf(whole, 5));
    assertThatThrownBy(() -> SafeTensors.read(file)).hasMessageContaining("less than the 8-byte header length");
    Files.write(file, Arrays.copyOf(whole, 40));
    assertThatThrownBy(() -> SafeTensors.read(file)).hasMessageContaining("header length");
  }

  @Test
  void oversizedHeaderLength_isRejectedBeforeAllocating() throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
    Path file = directory.resolve("huge.safetensors");
    Files.write(file, buffer.array());
    assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(CheckpointException.class)
        .hasMessageContaining("header length 9223372036854775807 is impossible");
  }

  @Test
  void overlappingOrGappedOffsets_areRejected() throws IOException {
    Path overlap = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
    assertThatThrownBy(() -> SafeTensors.read(overlap)).hasMessageContaining("tensor b starts at byte 4")
        .hasMessageContaining("an earlier tensor ends at 8");
    Path gap = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
    assertThatThrownBy(() -> SafeTensors.read(gap)).hasMessageContaining("tensor a starts at byte 4");
  }

  @Test
  void offsetsThatDisagreeWithTheShape_orTheFile_areRejected() throws IOException {
    Path wrongSpan = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
    assertThatThrownBy(() -> SafeTensors.read(wrongSpan)).hasMessageContaining("needs 12 bytes, but its data_offsets 0..8 span 8");
    Path trailing = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 16);
    assertThatThrownBy(() -> SafeTensors.read(trailing)).hasMessageContaining("padded with trailing bytes");
  }

  @Test
  void malformedHeaders_areRejectedNamingTheProblem() throws IOException {
    assertThatThrownBy(() -> SafeTensors.read(file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2)))
        .hasMessageContaining("dtype BF16; bytegrad reads F32, F64 and I32");
    assertThatThrownBy(() -> SafeTensors.read(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)))
        .hasMessageContaining("unexpected character '-'");
    assertThatThrownBy(() -> SafeTensors.read(file("{\"a\":1,\"a\":2}", 0))).hasMessageContaining("duplicate key \"a\"");
    assertThatThrownBy(() -> SafeTensors.read(file("{\"a\":{\"dtype\":\"F32\"", 0))).hasMessageContaining("malformed header");
    assertThatThrownBy(() -> SafeTensors.read(file("[1,2]", 0))).hasMessageContaining("not a safetensors file");
    assertThatThrownBy(() -> SafeTensors.read(directory.resolve("missing.safetensors")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void pythonWithNumpyAlone_readsWhatWeWrite() throws Exception {
    Path file = directory.resolve("model.safetensors");
    SafeTensors.write(file, sample(), Map.of("epoch", "3"));
    String script = String.join("\n",
        "import json, struct, sys, numpy as np",
        "data = open(sys.argv[1], 'rb').read()",
        "n = struct.unpack('<Q', data[:8])[0]",
        "header = json.loads(data[8:8 + n])",
        "body = data[8 + n:]",
        "kinds = {'F32': '<f4', 'F64': '<f8', 'I32': '<i4'}",
        "for name, e in header.items():",
        "    if name == '__metadata__':",
        "        print('metadata', e['epoch']); continue",
        "    b, end = e['data_offsets']",
        "    a = np.frombuffer(body[b:end], dtype=kinds[e['dtype']]).reshape(e['shape'])",
        "    print(name, list(a.shape), repr(float(a.sum())))");
    ProcessBuilder builder = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      assumeTrue(false, "python3 is not installed");
      return;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assumeTrue(!output.contains("No module named 'numpy'"), "numpy is not installed");
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("metadata 3", "hidden.weight [2, 3] 11.5", "hidden.bias [2] 3.14159",
        "adam.step [] 7.0", "counts [3] 2147483647.0", "empty [0, 4] 0.0");
  }
}
