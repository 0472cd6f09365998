package dev.bytegrad.codegen.loop;

/**
 * The scalar operations of the loop IR; each emitter renders every one. Arithmetic and {@code MAX}
 * apply to f32, f64 and i32 (index arithmetic); the transcendental functions to floats; comparisons
 * give i32 0 or 1.
 */
public enum ScalarOp {
  NEG("-", 1), EXP("exp", 1), LOG("log", 1), TANH("tanh", 1), SQRT("sqrt", 1), ABS("abs", 1),
  ADD("+", 2), SUB("-", 2), MUL("*", 2), DIV("/", 2), REM("%", 2), MAX("max", 2), POW("pow", 2),
  LT("<", 2), LE("<=", 2), GT(">", 2), GE(">=", 2), EQ("==", 2), NE("!=", 2);

  private final String symbol;
  private final int arity;

  ScalarOp(String symbol, int arity) {
    this.symbol = symbol;
    this.arity = arity;
  }

  /** The Java operator ({@code +}) or {@code Math} method name ({@code exp}). */
  public String symbol() {
    return symbol;
  }

  public int arity() {
    return arity;
  }

  /** Whether the result is an i32 truth value. */
  public boolean isComparison() {
    return ordinal() >= LT.ordinal();
  }

  /** Whether Java writes it as an infix operator rather than a {@code Math} call. */
  public boolean isInfix() {
    return !Character.isLetter(symbol.charAt(0));
  }
}
