package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import java.util.ArrayList;
import java.util.List;

/** Index arithmetic that folds constants ({@code i * 1 => i}, {@code i + 0 => i}), so generated indices read plainly. */
final class Exprs {
  private Exprs() {}

  static Expr index(int value) {
    return new Expr.Const(DType.I32, value);
  }

  static boolean isConstant(Expr expr, double value) {
    return expr instanceof Expr.Const c && c.value() == value;
  }

  static Expr add(Expr a, Expr b) {
    if (a instanceof Expr.Const x && b instanceof Expr.Const y) {
      return index((int) (x.value() + y.value()));
    }
    // 0 + b => b, a + 0 => a
    return isConstant(a, 0) ? b : isConstant(b, 0) ? a : new Expr.Binary(ScalarOp.ADD, a, b);
  }

  static Expr mul(Expr a, Expr b) {
    if (a instanceof Expr.Const x && b instanceof Expr.Const y) {
      return index((int) (x.value() * y.value()));
    }
    // 1 * b => b, a * 1 => a, 0 * b => 0
    if (isConstant(a, 0) || isConstant(b, 0)) {
      return index(0);
    }
    return isConstant(a, 1) ? b : isConstant(b, 1) ? a : new Expr.Binary(ScalarOp.MUL, a, b);
  }

  /** The row-major flat position of {@code index} in {@code shape}. */
  static Expr ravel(List<Expr> index, Shape shape) {
    int[] strides = shape.strides();
    Expr flat = index(0);
    for (int axis = 0; axis < strides.length; axis++) {
      flat = add(flat, shape.dim(axis) == 1 ? index(0) : mul(index.get(axis), index(strides[axis])));
    }
    return flat;
  }

  /** The multi-index of row-major flat position {@code flat} in {@code shape}: {@code (flat / stride) % dim}. */
  static List<Expr> unravel(Expr flat, Shape shape) {
    int[] strides = shape.strides();
    List<Expr> index = new ArrayList<>();
    for (int axis = 0; axis < strides.length; axis++) {
      if (shape.dim(axis) == 1) {
        index.add(index(0));
        continue;
      }
      Expr quotient = strides[axis] == 1 ? flat : new Expr.Binary(ScalarOp.DIV, flat, index(strides[axis]));
      index.add(axis == 0 ? quotient : new Expr.Binary(ScalarOp.REM, quotient, index(shape.dim(axis))));
    }
    return index;
  }
}
