package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a loop whose index is divided by a constant into two loops, one for the quotient and one for the
 * remainder: {@code for i < n: ... i / d ... i % d ...} becomes {@code for q < n / d: for r < d:} with
 * {@code i = q * d + r}, which the {@link IndexSimplifier} then cancels to {@code q} and {@code r}. A
 * transpose or a broadcast reshaped to a flat loop (a convolution's output moved from channel-major to
 * channel-last, a bias added along the last axis of a flattened loop) then indexes memory with plain
 * multiplications, which the JIT strength-reduces and often vectorizes, instead of an integer division
 * per element. The elements are visited in the same order as before, so no value changes.
 *
 * <p>{@code d} is the greatest common divisor of the constants the index is divided by, when it is more
 * than one and divides the extent; a loop split this way may be split again in the next round, for
 * indices divided by several constants ({@code i / 4} and {@code i % 64}: first by 4, then the quotient
 * loop by 16).
 */
final class LoopSplitting {
  private static final int ROUNDS = 4;

  private int nextVariable;
  private boolean changed;

  private LoopSplitting(int nextVariable) {
    this.nextVariable = nextVariable;
  }

  static Kernel split(Kernel kernel) {
    Kernel current = kernel;
    for (int round = 0; round < ROUNDS; round++) {
      LoopSplitting pass = new LoopSplitting(firstFreeVariable(current.body()));
      List<Stmt> body = pass.statements(current.body());
      if (!pass.changed) {
        break;
      }
      current = IndexSimplifier.simplify(new Kernel(current.name(), current.comment(), body, current.reads(), current.writes()));
    }
    return current;
  }

  private List<Stmt> statements(List<Stmt> body) {
    List<Stmt> result = new ArrayList<>(body.size());
    for (Stmt stmt : body) {
      if (stmt instanceof Stmt.Loop loop) {
        result.add(loop(loop.index(), loop.extent(), statements(loop.body())));
      } else {
        result.add(stmt);
      }
    }
    return result;
  }

  private Stmt loop(Expr.Var index, int extent, List<Stmt> body) {
    long divisor = 0;
    for (Stmt stmt : body) {
      divisor = divisor(stmt, index, divisor);
    }
    if (divisor <= 1 || divisor >= extent || extent % divisor != 0) {
      return new Stmt.Loop(index, extent, body);
    }
    changed = true;
    int d = (int) divisor;
    Expr.Var quotient = new Expr.Var("i" + nextVariable++, DType.I32);
    Expr.Var remainder = new Expr.Var("i" + nextVariable++, DType.I32);
    Expr flat = Exprs.add(Exprs.mul(quotient, Exprs.index(d)), remainder);
    List<Stmt> substituted = body.stream().map(s -> Statements.map(s, e -> Statements.substitute(e, index, flat))).toList();
    return new Stmt.Loop(quotient, extent / d, List.of(new Stmt.Loop(remainder, d, substituted)));
  }

  /** {@code divisor} combined (by gcd) with every constant {@code index} is divided by in {@code stmt}. */
  private static long divisor(Stmt stmt, Expr.Var index, long divisor) {
    long[] result = {divisor};
    Statements.forEachExpr(stmt, e -> Statements.forEachSubexpression(e, sub -> {
      if (sub instanceof Expr.Binary b && (b.op() == ScalarOp.DIV || b.op() == ScalarOp.REM) && b.left().equals(index)
          && b.right() instanceof Expr.Const c && b.dtype() == DType.I32 && c.value() > 1) {
        result[0] = gcd(result[0], (long) c.value());
      }
    }));
    return result[0];
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** One more than the largest {@code iN} loop index of {@code body}, so that new indices do not clash. */
  private static int firstFreeVariable(List<Stmt> body) {
    int[] max = {-1};
    for (Stmt stmt : body) {
      Statements.forEachStmt(stmt, s -> {
        Expr.Var index = s instanceof Stmt.Loop loop ? loop.index() : s instanceof Stmt.PartLoop part ? part.index() : null;
        if (index != null && index.name().matches("i\\d+")) {
          max[0] = Math.max(max[0], Integer.parseInt(index.name().substring(1)));
        }
      });
    }
    return max[0] + 1;
  }
}
