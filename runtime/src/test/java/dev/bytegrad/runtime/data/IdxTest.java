package dev.bytegrad.runtime.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir
  Path directory;

  /** An IDX file of {@code type} and {@code dims} followed by {@code data}. */
  private static byte[] idx(int type, int[] dims, byte[] data) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    buffer.putShort((short) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) {
      buffer.putInt(d);
    }
    return buffer.put(data).array();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(directory.resolve(name), bytes);
  }

  private static final byte[] PIXELS = {0, (byte) 255, 51, 102, 1, 2, 3, (byte) 128};

  @Test
  void images_rawOrGzipped_areFlattenedAndScaled() throws IOException {
    byte[] file = idx(0x08, new int[] {2, 2, 2}, PIXELS);
    for (Path path : new Path[] {write("raw-idx3-ubyte", file), write("images-idx3-ubyte.gz", gzip(file))}) {
      Tensor images = Idx.readImages(path, 1 / 255.0);
      assertThat(images.shape()).isEqualTo(Shape.of(2, 4));
      assertThat(images.floats()[1]).isEqualTo(1f);
      assertThat(images.floats()[2]).isEqualTo(0.2f);
      assertThat(images.floats()[7]).isEqualTo(128 / 255f);
    }
  }

  @Test
  void labels_andOtherTypes_keepTheirShapeAndValues() throws IOException {
    Tensor labels = Idx.read(write("labels", gzip(idx(0x08, new int[] {3}, new byte[] {9, 0, 7}))));
    assertThat(labels).isEqualTo(Tensor.ofInts(Shape.of(3), 9, 0, 7));
    Tensor signed = Idx.read(write("signed", idx(0x09, new int[] {2}, new byte[] {-1, 5})));
    assertThat(signed.ints()).containsExactly(-1, 5);
    Tensor shorts = Idx.read(write("shorts", idx(0x0B, new int[] {1}, new byte[] {(byte) 0xFF, (byte) 0xFE})));
    assertThat(shorts.ints()).containsExactly(-2);
    byte[] floats = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-2f).array();
    Tensor f = Idx.read(write("floats", idx(0x0D, new int[] {1, 2}, floats)));
    assertThat(f).isEqualTo(Tensor.ofFloats(Shape.of(1, 2), 1.5f, -2f));
    assertThat(Idx.read(write("doubles", idx(0x0E, new int[] {1}, ByteBuffer.allocate(8).putDouble(Math.E).array()))).dtype())
        .isEqualTo(DType.F64);
  }

  @Test
  void truncatedData_orTruncatedGzip_areRejected() throws IOException {
    byte[] file = idx(0x08, new int[] {2, 2, 2}, PIXELS);
    Path shortRaw = write("short", Arrays.copyOf(file, file.length - 1));
    assertThatThrownBy(() -> Idx.readImages(shortRaw, 1)).hasMessageContaining("is truncated")
        .hasMessageContaining("declares [2,2,2] values (8 bytes) but only 7 bytes follow");
    byte[] gz = gzip(file);
    Path shortGzip = write("short.gz", Arrays.copyOf(gz, gz.length - 10));
    assertThatThrownBy(() -> Idx.readImages(shortGzip, 1)).hasMessageContaining("truncated");
    Path headerOnly = write("header", Arrays.copyOf(file, 6));
    assertThatThrownBy(() -> Idx.read(headerOnly)).hasMessageContaining("truncated");
  }

  @Test
  void trailingBytes_badMagic_andImpossibleSizes_areRejected() throws IOException {
    byte[] file = idx(0x08, new int[] {2}, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Idx.read(write("long", file))).hasMessageContaining("has bytes after the 2");
    assertThatThrownBy(() -> Idx.read(write("text", "hello, world".getBytes()))).hasMessageContaining("is not an IDX file");
    assertThatThrownBy(() -> Idx.read(write("huge", idx(0x0C, new int[] {65536, 65536}, new byte[0]))))
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> Idx.read(write("negative", idx(0x08, new int[] {-1}, new byte[0]))))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Idx.readImages(write("labels", idx(0x08, new int[] {2}, new byte[] {1, 2})), 1))
        .hasMessageContaining("expected unsigned-byte images");
    assertThatThrownBy(() -> Idx.read(directory.resolve("absent"))).hasMessageContaining("does not exist");
  }
}
