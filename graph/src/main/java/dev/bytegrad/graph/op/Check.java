package dev.bytegrad.graph.op;

import dev.bytegrad.graph.TensorType;
import dev.bytegrad.runtime.DType;
import java.util.List;

/** The conditions shape rules check, each failing with the broken condition stated. */
final class Check {
  private Check() {}

  static void arity(List<TensorType> inputs, int expected) {
    if (inputs.size() != expected) {
      throw new IllegalArgumentException("takes " + expected + " operands, got " + inputs.size());
    }
  }

  static void floating(TensorType type) {
    if (!type.dtype().isFloating()) {
      throw new IllegalArgumentException("needs f32 or f64 operands, got " + type.dtype());
    }
  }

  static void dtype(TensorType type, DType expected, String role) {
    if (type.dtype() != expected) {
      throw new IllegalArgumentException(role + " must be " + expected + ", got " + type.dtype());
    }
  }

  static void that(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** The type of an elementwise op on one floating operand. */
  static TensorType unaryFloating(List<TensorType> inputs) {
    arity(inputs, 1);
    floating(inputs.get(0));
    return inputs.get(0);
  }

  /** The type of an elementwise op on two floating operands of one type (the DSL broadcasts first). */
  static TensorType binaryFloating(List<TensorType> inputs) {
    arity(inputs, 2);
    sameType(inputs.get(0), inputs.get(1));
    floating(inputs.get(0));
    return inputs.get(0);
  }

  static void sameType(TensorType a, TensorType b) {
    if (!a.equals(b)) {
      throw new IllegalArgumentException("operand types differ: " + a + " and " + b);
    }
  }

  /** Axes normalized to [0, rank), sorted, without duplicates. */
  static List<Integer> axes(List<Integer> axes, int rank) {
    int[] normalized = axes.stream().mapToInt(a -> a < 0 ? a + rank : a).sorted().toArray();
    for (int i = 0; i < normalized.length; i++) {
      that(normalized[i] >= 0 && normalized[i] < rank, "axis out of range for rank " + rank + ": " + axes);
      that(i == 0 || normalized[i] != normalized[i - 1], "axes repeat: " + axes);
    }
    return java.util.Arrays.stream(normalized).boxed().toList();
  }
}
