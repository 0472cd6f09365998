package dev.bytegrad.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Decodes the constant tensors that generated classes embed as Base64 text of little-endian elements,
 * which is compact in both a class file and Java source. A class file's string constant holds at most
 * 65,535 bytes, so a large tensor's text comes in chunks (see {@link #encode}), joined here.
 */
public final class Constants {
  private Constants() {}

  /** The longest chunk {@link #encode} returns: under the class file's 65,535-byte limit on a string constant. */
  public static final int CHUNK = 60_000;

  public static float[] f32(String... base64) {
    ByteBuffer bytes = decode(base64);
    float[] values = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(values);
    return values;
  }

  public static double[] f64(String... base64) {
    ByteBuffer bytes = decode(base64);
    double[] values = new double[bytes.remaining() / 8];
    bytes.asDoubleBuffer().get(values);
    return values;
  }

  public static int[] i32(String... base64) {
    ByteBuffer bytes = decode(base64);
    int[] values = new int[bytes.remaining() / 4];
    bytes.asIntBuffer().get(values);
    return values;
  }

  /**
   * The Base64 text of {@code tensor}'s elements in chunks of at most {@link #CHUNK} characters, which the
   * decoder of its dtype reads back.
   */
  public static java.util.List<String> encode(Tensor tensor) {
    ByteBuffer bytes = ByteBuffer.allocate(tensor.size() * tensor.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    switch (tensor.dtype()) {
      case F32 -> bytes.asFloatBuffer().put(tensor.floats());
      case F64 -> bytes.asDoubleBuffer().put(tensor.doubles());
      case I32 -> bytes.asIntBuffer().put(tensor.ints());
    }
    String text = Base64.getEncoder().encodeToString(bytes.array());
    java.util.List<String> chunks = new java.util.ArrayList<>();
    for (int start = 0; start < text.length() || chunks.isEmpty(); start += CHUNK) {
      chunks.add(text.substring(start, Math.min(text.length(), start + CHUNK)));
    }
    return chunks;
  }

  private static ByteBuffer decode(String... chunks) {
    return ByteBuffer.wrap(Base64.getDecoder().decode(String.join("", chunks))).order(ByteOrder.LITTLE_ENDIAN);
  }
}
