package dev.bytegrad.codegen.emit;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.runtime.DType;

/**
 * Java source for loop-IR expressions, parenthesized only where precedence needs it. The
 * transcendental functions call {@code Math} in double and narrow to float for f32, as the bytecode
 * emitter does.
 */
final class JavaExpressions {
  private static final int ATOM = 3;
  private final Program program;

  JavaExpressions(Program program) {
    this.program = program;
  }

  /** The array variable holding {@code buffer}: its own, or its dtype's arena. */
  String array(Buffer buffer) {
    return buffer.kind() == Buffer.Kind.TEMPORARY ? JavaEmitter.arenaName(buffer.dtype()) : buffer.name();
  }

  /** {@code index} shifted by a temporary's arena offset. */
  String offset(Buffer buffer, Expr index) {
    int offset = buffer.kind() == Buffer.Kind.TEMPORARY ? program.offset(buffer) : 0;
    if (index instanceof Expr.Const c) {
      return Integer.toString(offset + (int) c.value());
    }
    return offset == 0 ? render(index) : offset + " + " + render(index, 1);
  }

  /** {@code array[offset + index]}. */
  String element(Buffer buffer, Expr index) {
    return array(buffer) + "[" + offset(buffer, index) + "]";
  }

  String render(Expr expr) {
    return render(expr, 0);
  }

  private String render(Expr expr, int context) {
    String text;
    int precedence;
    if (expr instanceof Expr.Const constant) {
      text = constant(constant.dtype(), constant.value());
      precedence = constant.value() < 0 ? 1 : ATOM;
    } else if (expr instanceof Expr.Load load) {
      text = element(load.buffer(), load.index());
      precedence = ATOM;
    } else if (expr instanceof Expr.Var variable) {
      text = variable.name();
      precedence = ATOM;
    } else if (expr instanceof Expr.Unary unary) {
      text = unary(unary);
      precedence = unary.op() == ScalarOp.NEG ? 2 : ATOM;
    } else if (expr instanceof Expr.Binary binary) {
      precedence = precedence(binary.op());
      text = binary(binary, precedence);
    } else if (expr instanceof Expr.Select select) {
      text = condition(select.condition()) + " ? " + render(select.ifTrue(), 1) + " : " + render(select.ifFalse(), 1);
      precedence = 0;
    } else {
      Expr.Cast cast = (Expr.Cast) expr;
      text = "(" + javaType(cast.dtype()) + ") " + render(cast.operand(), ATOM);
      precedence = 2;
    }
    return precedence < context || (precedence == 0 && context > 0) ? "(" + text + ")" : text;
  }

  private String unary(Expr.Unary unary) {
    String operand = render(unary.operand(), unary.op() == ScalarOp.NEG ? ATOM : 0);
    return switch (unary.op()) {
      case NEG -> "-" + operand;
      case ABS -> "Math.abs(" + operand + ")";
      case TANH -> narrow(unary.dtype(), "Scalars.tanh(" + operand + ")");
      default -> narrow(unary.dtype(), "Math." + unary.op().symbol() + "(" + operand + ")");
    };
  }

  private String binary(Expr.Binary binary, int precedence) {
    String left = render(binary.left(), precedence);
    String right = render(binary.right(), precedence + 1);
    if (binary.op() == ScalarOp.MAX) {
      return "Math.max(" + render(binary.left()) + ", " + render(binary.right()) + ")";
    }
    if (binary.op() == ScalarOp.POW) {
      return narrow(binary.dtype(), "Math.pow(" + render(binary.left()) + ", " + render(binary.right()) + ")");
    }
    if (binary.op().isComparison()) {
      return left + " " + binary.op().symbol() + " " + right + " ? 1 : 0";
    }
    return left + " " + binary.op().symbol() + " " + right;
  }

  /** A select's condition: a comparison is tested directly, anything else against 0. */
  private String condition(Expr condition) {
    if (condition instanceof Expr.Binary binary && binary.op().isComparison()) {
      return render(binary.left(), 1) + " " + binary.op().symbol() + " " + render(binary.right(), 1);
    }
    return render(condition, 1) + " != 0";
  }

  private static int precedence(ScalarOp op) {
    return switch (op) {
      case MUL, DIV, REM -> 2;
      case ADD, SUB -> 1;
      case MAX, POW -> ATOM;
      default -> 0;
    };
  }

  private static String narrow(DType dtype, String call) {
    return dtype == DType.F32 ? "(float) " + call : call;
  }

  static String constant(DType dtype, double value) {
    return switch (dtype) {
      case F32 -> Double.isNaN(value) ? "Float.NaN" : Double.isInfinite(value) ? (value > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY")
          : decimal((float) value) + "f";
      case F64 -> Double.isNaN(value) ? "Double.NaN" : Double.isInfinite(value) ? (value > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY")
          : decimal(value);
      case I32 -> Integer.toString((int) value);
    };
  }

  /**
   * The shortest decimal that reads back as {@code value} (the nearest of that length), written as
   * {@link Float#toString} lays it out. Not {@code Float.toString} itself, whose digits changed in JDK 19
   * (JDK 17 wrote the smallest normal float as 1.17549435E-38, JDK 25 as 1.1754944E-38): the generated
   * source would then depend on the JDK that generated it.
   */
  static String decimal(float value) {
    return decimal(value, 9, digits -> digits.floatValue() == value);
  }

  /** {@link #decimal(float)} for a double. */
  static String decimal(double value) {
    return decimal(value, 17, digits -> digits.doubleValue() == value);
  }

  private static String decimal(double value, int maxDigits, java.util.function.Predicate<java.math.BigDecimal> readsBack) {
    if (value == 0) {
      return 1 / value < 0 ? "-0.0" : "0.0";
    }
    java.math.BigDecimal exact = new java.math.BigDecimal(value);
    java.math.BigDecimal digits = exact;
    for (int precision = 1; precision <= maxDigits; precision++) {
      digits = exact.round(new java.math.MathContext(precision, java.math.RoundingMode.HALF_EVEN));
      if (readsBack.test(digits)) {
        break;
      }
    }
    digits = digits.stripTrailingZeros();
    double magnitude = Math.abs(value);
    if (magnitude >= 1e-3 && magnitude < 1e7) {
      String plain = digits.toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    // d.ddddE<exponent>, at least one digit after the point
    String unscaled = digits.unscaledValue().abs().toString();
    int exponent = unscaled.length() - 1 - digits.scale();
    String fraction = unscaled.length() > 1 ? unscaled.substring(1) : "0";
    return (digits.signum() < 0 ? "-" : "") + unscaled.charAt(0) + "." + fraction + "E" + exponent;
  }

  private static String javaType(DType dtype) {
    return switch (dtype) {
      case F32 -> "float";
      case F64 -> "double";
      case I32 -> "int";
    };
  }
}
