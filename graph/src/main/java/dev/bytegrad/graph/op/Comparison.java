package dev.bytegrad.graph.op;

import java.util.Locale;

/** The six comparisons, written {@code lt le gt ge eq ne} in the text form. */
public enum Comparison {
  LT, LE, GT, GE, EQ, NE;

  /** Whether {@code a} compares to {@code b} this way (IEEE semantics: every comparison with NaN but NE is false). */
  public boolean test(double a, double b) {
    return switch (this) {
      case LT -> a < b;
      case LE -> a <= b;
      case GT -> a > b;
      case GE -> a >= b;
      case EQ -> a == b;
      case NE -> a != b;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
