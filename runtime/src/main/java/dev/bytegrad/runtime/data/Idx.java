package dev.bytegrad.runtime.data;

import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: two zero bytes, a type code, the number of
 * dimensions, each dimension as a big-endian 32-bit integer, then the values, big-endian, row-major.
 * Files may be gzip-compressed (recognized by their magic bytes).
 *
 * <p>The header is checked (magic, type, dimensions, size), and the data must be exactly as long as the
 * header says: a truncated file, a truncated gzip stream or trailing bytes fail with the file's name
 * and the byte counts, never a silently short data set.
 */
public final class Idx {
  /** The largest tensor accepted, in elements. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private Idx() {}

  /** The header of an IDX file: its element type code and dimensions. */
  private record Header(int type, int[] dims) {
    int elementBytes() {
      return switch (type) {
        case 0x08, 0x09 -> 1;
        case 0x0B -> 2;
        case 0x0C, 0x0D -> 4;
        case 0x0E -> 8;
        default -> throw new AssertionError(type);
      };
    }

    long elements() {
      long n = 1;
      for (int d : dims) {
        n *= d;
      }
      return n;
    }
  }

  /**
   * Reads {@code file}: integer types (unsigned and signed bytes, shorts, ints) as {@link DType#I32},
   * floats as {@link DType#F32}, doubles as {@link DType#F64}, in the file's shape.
   */
  public static Tensor read(Path file) {
    return read(file, false, 1);
  }

  /**
   * Reads an unsigned-byte image file of shape {@code [n, d1, ..., dk]} as f32 features
   * {@code [n, d1 * ... * dk]}, each value multiplied by {@code scale} (1/255 maps pixels to [0, 1]).
   */
  public static Tensor readImages(Path file, double scale) {
    return read(file, true, scale);
  }

  private static Tensor read(Path file, boolean images, double scale) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(Csv.decompressIfGzip(raw))) {
      Header header = header(in, file);
      if (images && (header.type() != 0x08 || header.dims().length < 2)) {
        throw new IllegalArgumentException(String.format("%s: expected unsigned-byte images [n, rows, columns], got type 0x%02X with %d dimensions",
            file, header.type(), header.dims().length));
      }
      byte[] data = new byte[Math.toIntExact(header.elements() * header.elementBytes())];
      int read = in.readNBytes(data, 0, data.length);
      if (read < data.length) {
        throw new IllegalArgumentException(String.format("%s is truncated: its header declares %s values (%d bytes) but only %d bytes follow",
            file, Shape.of(header.dims()), data.length, read));
      }
      if (in.read() >= 0) {
        throw new IllegalArgumentException(String.format("%s has bytes after the %d its header declares for %s values",
            file, data.length, Shape.of(header.dims())));
      }
      return images ? images(header, data, scale) : decode(header, data);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("IDX file " + file + " does not exist", e);
    } catch (EOFException | ZipException e) {
      throw new IllegalArgumentException(file + " is truncated or its gzip data is corrupt: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Header header(DataInputStream in, Path file) throws IOException {
    int zero = in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int rank = in.readUnsignedByte();
    if (zero != 0 || !isTypeCode(type)) {
      throw new IllegalArgumentException(String.format(
          "%s is not an IDX file: it starts with 0x%04X%02X, not 0x0000 followed by a type code 08, 09, 0B, 0C, 0D or 0E", file, zero, type));
    }
    if (rank < 1 || rank > 8) {
      throw new IllegalArgumentException(file + ": an IDX file needs 1 to 8 dimensions, this one declares " + rank);
    }
    int[] dims = new int[rank];
    long elements = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = in.readInt();
      elements *= Math.max(dims[i], 1);
      if (dims[i] < 0 || elements > MAX_ELEMENTS) {
        throw new IllegalArgumentException(file + ": dimension " + i + " of the IDX header, " + Integer.toUnsignedString(dims[i])
            + ", is negative or makes the data too large to hold");
      }
    }
    Header header = new Header(type, dims);
    if (header.elements() * header.elementBytes() > MAX_ELEMENTS) {
      throw new IllegalArgumentException(file + ": its " + Shape.of(dims) + " values are too large to hold in memory at once");
    }
    return header;
  }

  private static boolean isTypeCode(int type) {
    return type == 0x08 || type == 0x09 || (type >= 0x0B && type <= 0x0E);
  }

  private static Tensor images(Header header, byte[] data, double scale) {
    int n = header.dims()[0];
    int width = n == 0 ? 0 : data.length / n;
    float[] values = new float[data.length];
    float[] table = new float[256]; // each byte value scaled in double, then rounded once
    for (int v = 0; v < 256; v++) {
      table[v] = (float) (v * scale);
    }
    for (int i = 0; i < data.length; i++) {
      values[i] = table[data[i] & 0xFF];
    }
    return Tensor.ofFloats(Shape.of(n, width), values);
  }

  private static Tensor decode(Header header, byte[] data) {
    Shape shape = Shape.of(header.dims());
    ByteBuffer buffer = ByteBuffer.wrap(data);
    int n = (int) header.elements();
    switch (header.type()) {
      case 0x0D -> {
        float[] values = new float[n];
        buffer.asFloatBuffer().get(values);
        return Tensor.ofFloats(shape, values);
      }
      case 0x0E -> {
        double[] values = new double[n];
        buffer.asDoubleBuffer().get(values);
        return Tensor.ofDoubles(shape, values);
      }
      default -> {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
          values[i] = switch (header.type()) {
            case 0x08 -> data[i] & 0xFF;
            case 0x09 -> data[i];
            case 0x0B -> buffer.getShort(2 * i);
            default -> buffer.getInt(4 * i);
          };
        }
        return Tensor.ofInts(shape, values);
      }
    }
  }
}
