package dev.bytegrad.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Decodes the constant tensors that generated classes embed as Base64 text of little-endian elements,
 * which is compact in both a class file and Java source.
 */
public final class Constants {
  private Constants() {}

  public static float[] f32(String base64) {
    ByteBuffer bytes = decode(base64);
    float[] values = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(values);
    return values;
  }

  public static double[] f64(String base64) {
    ByteBuffer bytes = decode(base64);
    double[] values = new double[bytes.remaining() / 8];
    bytes.asDoubleBuffer().get(values);
    return values;
  }

  public static int[] i32(String base64) {
    ByteBuffer bytes = decode(base64);
    int[] values = new int[bytes.remaining() / 4];
    bytes.asIntBuffer().get(values);
    return values;
  }

  /** The Base64 text of {@code tensor}'s elements, which the decoder of its dtype reads back. */
  public static String encode(Tensor tensor) {
    ByteBuffer bytes = ByteBuffer.allocate(tensor.size() * tensor.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    switch (tensor.dtype()) {
      case F32 -> bytes.asFloatBuffer().put(tensor.floats());
      case F64 -> bytes.asDoubleBuffer().put(tensor.doubles());
      case I32 -> bytes.asIntBuffer().put(tensor.ints());
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  private static ByteBuffer decode(String base64) {
    return ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
  }
}
