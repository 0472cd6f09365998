package dev.bytegrad.codegen.loop;

import dev.bytegrad.runtime.DType;

/** A scalar expression of the loop IR. Immutable; its dtype is known without context. */
public sealed interface Expr {
  DType dtype();

  /** A constant. */
  record Const(DType dtype, double value) implements Expr {}

  /** Element {@code index} (an i32 expression) of a buffer. */
  record Load(Buffer buffer, Expr index) implements Expr {
    @Override
    public DType dtype() {
      return buffer.dtype();
    }
  }

  /** A loop index or a local accumulator. */
  record Var(String name, DType dtype) implements Expr {}

  /** A one-operand operation. */
  record Unary(ScalarOp op, Expr operand) implements Expr {
    @Override
    public DType dtype() {
      return operand.dtype();
    }
  }

  /** A two-operand operation; comparisons are i32. */
  record Binary(ScalarOp op, Expr left, Expr right) implements Expr {
    public Binary {
      if (left.dtype() != right.dtype()) {
        throw new IllegalArgumentException(op + " of " + left.dtype() + " and " + right.dtype());
      }
    }

    @Override
    public DType dtype() {
      return op.isComparison() ? DType.I32 : left.dtype();
    }
  }

  /** {@code condition != 0 ? ifTrue : ifFalse}, evaluating only the chosen branch. */
  record Select(Expr condition, Expr ifTrue, Expr ifFalse) implements Expr {
    @Override
    public DType dtype() {
      return ifTrue.dtype();
    }
  }

  /** A conversion, as Java's primitive casts do it. */
  record Cast(DType dtype, Expr operand) implements Expr {}
}
