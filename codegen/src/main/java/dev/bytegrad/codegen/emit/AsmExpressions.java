package dev.bytegrad.codegen.emit;

import static org.objectweb.asm.Opcodes.*;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.runtime.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for loop-IR expressions inside one kernel method, and that method's local variables: the
 * arrays it loads from fields, its loop indices and accumulators. Mirrors {@link JavaExpressions}:
 * transcendental functions call {@code Math} in double and narrow to float for f32.
 */
final class AsmExpressions {
  private final Program program;
  private final MethodVisitor method;
  private final Map<String, Integer> slots = new HashMap<>();
  private int nextSlot;

  AsmExpressions(Program program, MethodVisitor method) {
    this(program, method, 1);
  }

  /** Expressions of a method whose arguments take the locals before {@code firstSlot}. */
  AsmExpressions(Program program, MethodVisitor method, int firstSlot) {
    this.program = program;
    this.method = method;
    this.nextSlot = firstSlot;
  }

  private static String arrayName(Buffer buffer) {
    return buffer.kind() == Buffer.Kind.TEMPORARY ? JavaEmitter.arenaName(buffer.dtype()) : buffer.name();
  }

  /** Gives {@code buffer}'s array a local; false when it already has one (temporaries share their arena). */
  boolean declareArray(Buffer buffer) {
    if (slots.containsKey("[" + arrayName(buffer))) {
      return false;
    }
    slots.put("[" + arrayName(buffer), nextSlot++);
    return true;
  }

  int arraySlot(Buffer buffer) {
    return slots.get("[" + arrayName(buffer));
  }

  /** The local of a loop index or accumulator, allocated on first use. */
  /** Makes {@code variable} the method's argument in {@code slot}. */
  void parameter(Expr.Var variable, int slot) {
    slots.put(variable.name(), slot);
  }

  int slot(Expr.Var variable) {
    return slots.computeIfAbsent(variable.name(), name -> {
      int slot = nextSlot;
      nextSlot += variable.dtype() == DType.F64 ? 2 : 1;
      return slot;
    });
  }

  void store(Expr.Var variable) {
    method.visitVarInsn(opcode(variable.dtype(), ISTORE, FSTORE, DSTORE), slot(variable));
  }

  /** Pushes {@code buffer}'s array and the position of element {@code index}. */
  void element(Buffer buffer, Expr index) {
    arrayAndOffset(buffer, index);
  }

  /** Pushes {@code buffer}'s array and {@code index} shifted by a temporary's arena offset. */
  void arrayAndOffset(Buffer buffer, Expr index) {
    method.visitVarInsn(ALOAD, arraySlot(buffer));
    int offset = buffer.kind() == Buffer.Kind.TEMPORARY ? program.offset(buffer) : 0;
    if (index instanceof Expr.Const constant) {
      pushInt(method, offset + (int) constant.value());
      return;
    }
    emit(index);
    if (offset != 0) {
      pushInt(method, offset);
      method.visitInsn(IADD);
    }
  }

  /** Pushes the value of {@code expr}. */
  void emit(Expr expr) {
    if (expr instanceof Expr.Const constant) {
      emitConst(constant);
    } else if (expr instanceof Expr.Load load) {
      element(load.buffer(), load.index());
      method.visitInsn(opcode(load.dtype(), IALOAD, FALOAD, DALOAD));
    } else if (expr instanceof Expr.Var variable) {
      method.visitVarInsn(opcode(variable.dtype(), ILOAD, FLOAD, DLOAD), slot(variable));
    } else if (expr instanceof Expr.Unary unary) {
      emitUnary(unary);
    } else if (expr instanceof Expr.Binary binary) {
      emitBinary(binary);
    } else if (expr instanceof Expr.Select select) {
      emitSelect(select);
    } else {
      Expr.Cast cast = (Expr.Cast) expr;
      emit(cast.operand());
      convert(cast.operand().dtype(), cast.dtype());
    }
  }

  private void emitConst(Expr.Const constant) {
    switch (constant.dtype()) {
      case I32 -> pushInt(method, (int) constant.value());
      case F32 -> method.visitLdcInsn((float) constant.value());
      case F64 -> method.visitLdcInsn(constant.value());
    }
  }

  private void emitUnary(Expr.Unary unary) {
    DType dtype = unary.dtype();
    emit(unary.operand());
    switch (unary.op()) {
      case NEG -> method.visitInsn(opcode(dtype, INEG, FNEG, DNEG));
      case ABS -> method.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", signature(dtype, 1), false);
      case TANH -> {
        widen(dtype);
        method.visitMethodInsn(INVOKESTATIC, "dev/bytegrad/runtime/Scalars", "tanh", "(D)D", false);
        narrow(dtype);
      }
      default -> callMath(unary.op().symbol(), dtype, 1);
    }
  }

  private void emitBinary(Expr.Binary binary) {
    ScalarOp op = binary.op();
    DType dtype = binary.left().dtype();
    if (op.isComparison()) {
      emitSelect(new Expr.Select(binary, new Expr.Const(DType.I32, 1), new Expr.Const(DType.I32, 0)));
      return;
    }
    emit(binary.left());
    if (op == ScalarOp.POW) {
      widen(dtype);
      emit(binary.right());
      widen(dtype);
      method.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "pow", "(DD)D", false);
      narrow(dtype);
      return;
    }
    emit(binary.right());
    switch (op) {
      case ADD -> method.visitInsn(opcode(dtype, IADD, FADD, DADD));
      case SUB -> method.visitInsn(opcode(dtype, ISUB, FSUB, DSUB));
      case MUL -> method.visitInsn(opcode(dtype, IMUL, FMUL, DMUL));
      case DIV -> method.visitInsn(opcode(dtype, IDIV, FDIV, DDIV));
      case REM -> method.visitInsn(opcode(dtype, IREM, FREM, DREM));
      case MAX -> method.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", signature(dtype, 2), false);
      default -> throw new IllegalStateException("no bytecode for " + op);
    }
  }

  /** {@code condition ? ifTrue : ifFalse}; a comparison condition jumps directly, as javac does. */
  private void emitSelect(Expr.Select select) {
    Label chosen = new Label();
    Label end = new Label();
    jumpIfTrue(select.condition(), chosen);
    emit(select.ifFalse());
    method.visitJumpInsn(GOTO, end);
    method.visitLabel(chosen);
    emit(select.ifTrue());
    method.visitLabel(end);
  }

  // comparisons with NaN are false, but != is true: FCMPG for < and <=, FCMPL for the others
  private void jumpIfTrue(Expr condition, Label target) {
    if (!(condition instanceof Expr.Binary binary && binary.op().isComparison())) {
      emit(condition);
      method.visitJumpInsn(IFNE, target);
      return;
    }
    DType dtype = binary.left().dtype();
    emit(binary.left());
    emit(binary.right());
    ScalarOp op = binary.op();
    if (dtype == DType.I32) {
      method.visitJumpInsn(switch (op) {
        case LT -> IF_ICMPLT;
        case LE -> IF_ICMPLE;
        case GT -> IF_ICMPGT;
        case GE -> IF_ICMPGE;
        case EQ -> IF_ICMPEQ;
        default -> IF_ICMPNE;
      }, target);
      return;
    }
    boolean lessThan = op == ScalarOp.LT || op == ScalarOp.LE;
    method.visitInsn(dtype == DType.F32 ? (lessThan ? FCMPG : FCMPL) : (lessThan ? DCMPG : DCMPL));
    method.visitJumpInsn(switch (op) {
      case LT -> IFLT;
      case LE -> IFLE;
      case GT -> IFGT;
      case GE -> IFGE;
      case EQ -> IFEQ;
      default -> IFNE;
    }, target);
  }

  private void callMath(String name, DType dtype, int arity) {
    widen(dtype);
    method.visitMethodInsn(INVOKESTATIC, "java/lang/Math", name, arity == 1 ? "(D)D" : "(DD)D", false);
    narrow(dtype);
  }

  private void widen(DType dtype) {
    if (dtype == DType.F32) {
      method.visitInsn(F2D);
    }
  }

  private void narrow(DType dtype) {
    if (dtype == DType.F32) {
      method.visitInsn(D2F);
    }
  }

  private void convert(DType from, DType to) {
    if (from == to) {
      return;
    }
    method.visitInsn(switch (from) {
      case F32 -> to == DType.F64 ? F2D : F2I;
      case F64 -> to == DType.F32 ? D2F : D2I;
      case I32 -> to == DType.F32 ? I2F : I2D;
    });
  }

  private static String signature(DType dtype, int arity) {
    String type = AsmEmitter.primitiveDescriptor(dtype);
    return "(" + type.repeat(arity) + ")" + type;
  }

  static int opcode(DType dtype, int forInt, int forFloat, int forDouble) {
    return switch (dtype) {
      case I32 -> forInt;
      case F32 -> forFloat;
      case F64 -> forDouble;
    };
  }

  /** Pushes a new {@code String[]} of {@code strings}, each a constant of the class. */
  static void pushStrings(MethodVisitor method, List<String> strings) {
    pushInt(method, strings.size());
    method.visitTypeInsn(ANEWARRAY, "java/lang/String");
    for (int i = 0; i < strings.size(); i++) {
      method.visitInsn(DUP);
      pushInt(method, i);
      method.visitLdcInsn(strings.get(i));
      method.visitInsn(AASTORE);
    }
  }

  static void pushInt(MethodVisitor method, int value) {
    if (value >= -1 && value <= 5) {
      method.visitInsn(ICONST_0 + value);
    } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
      method.visitIntInsn(BIPUSH, value);
    } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
      method.visitIntInsn(SIPUSH, value);
    } else {
      method.visitLdcInsn(value);
    }
  }
}
