package dev.bytegrad.codegen.loop;

import dev.bytegrad.runtime.DType;
import java.util.List;

/**
 * The loop IR's text form: the buffers, then each kernel with its loops, one statement a line, indices
 * written against buffer names (arena offsets are the memory plan's business, listed with the buffers).
 *
 * <pre>
 * kernel k1  # %6 = add %4 %5 : f32[64,256]
 *   for i0 &lt; 64:
 *     for i1 &lt; 256:
 *       add6[i0 * 256 + i1] = matmul4[i0 * 256 + i1] + hidden_bias[i1]
 * </pre>
 */
public final class LoopPrinter {
  private LoopPrinter() {}

  public static String print(Program program) {
    StringBuilder text = new StringBuilder("function ").append(program.name()).append('\n');
    buffers(text, "input", program.inputs(), program);
    buffers(text, "output", program.outputs(), program);
    buffers(text, "parameter", program.parameters(), program);
    buffers(text, "constant", program.constants(), program);
    buffers(text, "temporary", program.temporaries(), program);
    for (DType dtype : DType.values()) {
      if (program.arenaSize(dtype) > 0) {
        text.append("  arena ").append(dtype).append(": ").append(program.arenaSize(dtype)).append(" elements\n");
      }
    }
    for (Kernel kernel : program.allKernels()) {
      text.append("kernel ").append(kernel.name());
      if (!kernel.parameters().isEmpty()) {
        text.append('(').append(String.join(", ", kernel.parameters().stream().map(Expr.Var::name).toList())).append(')');
      }
      text.append("  # ").append(kernel.comment().replace("\n", "\n  #")).append('\n');
      kernel.body().forEach(statement -> statement(text, statement, 1));
    }
    return text.toString();
  }

  private static void buffers(StringBuilder text, String kind, List<Buffer> buffers, Program program) {
    for (Buffer buffer : buffers) {
      text.append("  ").append(kind).append(' ').append(buffer.name()).append(": ").append(buffer.dtype())
          .append('[').append(buffer.size()).append(']');
      if (buffer.kind() == Buffer.Kind.TEMPORARY && program.offsets().containsKey(buffer)) {
        text.append(" at ").append(program.offset(buffer));
      }
      text.append('\n');
    }
  }

  private static void statement(StringBuilder text, Stmt statement, int depth) {
    text.append("  ".repeat(depth));
    if (statement instanceof Stmt.Loop loop) {
      text.append("for ").append(loop.index().name()).append(" < ").append(loop.extent())
          .append(loop.vector() ? ", vector:\n" : ":\n");
      loop.body().forEach(inner -> statement(text, inner, depth + 1));
      return;
    }
    if (statement instanceof Stmt.PartLoop loop) {
      text.append("for ").append(loop.index().name()).append(" < ").append(loop.extent())
          .append(loop.chunks() ? ", chunks of rows split over threads:\n" : loop.vector() ? ", split over threads, vector:\n" : ", split over threads:\n");
      loop.body().forEach(inner -> statement(text, inner, depth + 1));
      return;
    }
    if (statement instanceof Stmt.Store store) {
      text.append(store.buffer().name()).append('[').append(expression(store.index(), 0)).append("] = ")
          .append(expression(store.value(), 0));
    } else if (statement instanceof Stmt.Declare declare) {
      text.append(declare.local().dtype()).append(' ').append(declare.local().name()).append(" = ")
          .append(expression(declare.init(), 0));
    } else if (statement instanceof Stmt.Assign assign) {
      text.append(assign.local().name()).append(" = ").append(expression(assign.value(), 0));
    } else if (statement instanceof Stmt.Call call) {
      text.append("call ").append(call.kernel().name());
      if (!call.arguments().isEmpty()) {
        text.append('(').append(String.join(", ", call.arguments().stream().map(a -> expression(a, 0)).toList())).append(')');
      }
    } else if (statement instanceof Stmt.Apply apply && apply.function().equals("accumulate")) {
      text.append(apply.dst().name()).append('[').append(expression(apply.dstOffset(), 0)).append(" + i] += ")
          .append(apply.src().name()).append('[').append(expression(apply.srcOffset(), 0)).append(" + i] for i < ")
          .append(apply.n()).append(", vectorized");
    } else if (statement instanceof Stmt.Apply apply && apply.function().equals("copy")) {
      text.append(apply.dst().name()).append('[').append(expression(apply.dstOffset(), 0)).append(" + i] = ")
          .append(apply.src().name()).append('[').append(expression(apply.srcOffset(), 0)).append(" + i] for i < ")
          .append(apply.n()).append(", copied");
    } else if (statement instanceof Stmt.Apply apply) {
      text.append(apply.dst().name()).append('[').append(expression(apply.dstOffset(), 0)).append(" + i] = ").append(apply.function())
          .append('(').append(apply.src().name()).append('[').append(expression(apply.srcOffset(), 0)).append(" + i]) for i < ")
          .append(apply.n()).append(", vectorized");
    } else if (statement instanceof Stmt.GemmEpoch) {
      text.append("gemm epoch (the loop's constants are packed afresh)");
    } else {
      Stmt.Gemm g = (Stmt.Gemm) statement;
      text.append(String.format("gemm m=%d n=%d k=%d a=%s%s[%s] lda=%d b=%s%s[%s] ldb=%d c=%s[%s] ldc=%d" + (g.constantB() ? " (b constant)" : ""),
          g.m(), g.n(), g.k(), g.transA() ? "T " : "", g.a().name(), expression(g.aOffset(), 0), g.lda(),
          g.transB() ? "T " : "", g.b().name(), expression(g.bOffset(), 0), g.ldb(), g.c().name(),
          expression(g.cOffset(), 0), g.ldc()));
      if (g.rows() != null) {
        text.append(String.format(" (b: rows of %d picked by %s)", g.rowLength(), g.rows().name()));
      }
    }
    text.append('\n');
  }

  /** An expression, parenthesized where an operand binds less tightly than its context. */
  static String expression(Expr expr, int context) {
    if (expr instanceof Expr.Const c) {
      return c.dtype() == DType.I32 ? Integer.toString((int) c.value()) : c.value() + (c.dtype() == DType.F32 ? "f" : "");
    } else if (expr instanceof Expr.Load load) {
      return load.buffer().name() + "[" + expression(load.index(), 0) + "]";
    } else if (expr instanceof Expr.Var variable) {
      return variable.name();
    } else if (expr instanceof Expr.Unary unary) {
      return unary.op() == ScalarOp.NEG ? "-" + expression(unary.operand(), 3)
          : unary.op().symbol() + "(" + expression(unary.operand(), 0) + ")";
    } else if (expr instanceof Expr.Binary binary) {
      if (!binary.op().isInfix()) {
        return binary.op().symbol() + "(" + expression(binary.left(), 0) + ", " + expression(binary.right(), 0) + ")";
      }
      int precedence = switch (binary.op()) {
        case MUL, DIV, REM -> 2;
        case ADD, SUB -> 1;
        default -> 0;
      };
      String text = expression(binary.left(), precedence) + " " + binary.op().symbol() + " " + expression(binary.right(), precedence + 1);
      return precedence < context || (precedence == 0 && context > 0) ? "(" + text + ")" : text;
    } else if (expr instanceof Expr.Select select) {
      String text = expression(select.condition(), 1) + " ? " + expression(select.ifTrue(), 1) + " : " + expression(select.ifFalse(), 1);
      return context > 0 ? "(" + text + ")" : text;
    }
    Expr.Cast cast = (Expr.Cast) expr;
    return cast.dtype() + "(" + expression(cast.operand(), 0) + ")";
  }
}
