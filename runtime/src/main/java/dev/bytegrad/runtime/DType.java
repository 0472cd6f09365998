package dev.bytegrad.runtime;

import java.util.Locale;

/**
 * The element types bytegrad computes with: 32- and 64-bit IEEE floats and 32-bit signed integers.
 *
 * <p>Only floating types have derivatives; {@link #I32} carries labels, indices and comparison results.
 */
public enum DType {
  F32(4),
  F64(8),
  I32(4);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes one element takes. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether values of this type are floating point, and so differentiable. */
  public boolean isFloating() {
    return this != I32;
  }

  /** The short lower-case name used in text forms: {@code f32}, {@code f64}, {@code i32}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the short name written by {@link #toString()}. */
  public static DType parse(String text) {
    for (DType type : values()) {
      if (type.toString().equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown dtype '" + text + "': expected f32, f64 or i32");
  }
}
