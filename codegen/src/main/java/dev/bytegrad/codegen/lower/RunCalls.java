package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.List;

/**
 * Innermost loops over contiguous runs of f32 elements that the JIT leaves scalar become runtime calls.
 * A loop adding one run to another, {@code dst[d + i] = dst[d + i] + src[s + i]}, becomes
 * {@code Vectors.accumulate(src, s, dst, d, n)}: the rows of a reduction kept in memory order (a bias's
 * gradient, twenty sums over 36,864 rows of a convolution's output) and of a scatter-add by rows (col2im).
 * A loop copying one run to another, {@code dst[d + i] = src[s + i]}, becomes {@code Vectors.copy} (an
 * {@code arraycopy}): a scan's slices and outputs, copied in and out at every step. Both buffers often lie
 * in the one arena array at a distance the JIT cannot see (or one index has a term of an outer loop, the
 * step, that the other lacks), and HotSpot's C2 (JDK 17) then leaves the loop scalar; the runtime moves
 * whole vectors. Each element still gets the same addition, or the same value, so the bits do not change.
 *
 * <p>Runs after {@link Parallelism}, whose parts want plain stores: the loops inside a part are rewritten
 * like any other.
 */
final class RunCalls {
  /** The shortest run worth a call: one vector of AVX2. */
  static final int SHORTEST = 8;

  private RunCalls() {}

  static Kernel apply(Kernel kernel) {
    List<Stmt> body = rewrite(kernel.body());
    return body.equals(kernel.body()) ? kernel
        : IndexSimplifier.simplify(new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes()));
  }

  private static List<Stmt> rewrite(List<Stmt> body) {
    return body.stream().map(RunCalls::rewrite).toList();
  }

  private static Stmt rewrite(Stmt stmt) {
    if (stmt instanceof Stmt.Loop loop) {
      Stmt call = call(loop);
      return call != null ? call : new Stmt.Loop(loop.index(), loop.extent(), rewrite(loop.body()));
    }
    if (stmt instanceof Stmt.PartLoop part) {
      return new Stmt.PartLoop(part.index(), part.extent(), rewrite(part.body()));
    }
    return stmt;
  }

  /** The call that does {@code loop}'s work, or null when it is not the addition or copy of one run to another. */
  private static Stmt call(Stmt.Loop loop) {
    if (loop.extent() < SHORTEST || loop.body().size() != 1 || !(loop.body().get(0) instanceof Stmt.Store store)
        || store.buffer().dtype() != DType.F32) {
      return null;
    }
    if (store.value() instanceof Expr.Load source) {
      return run("copy", loop, store, source);
    }
    if (!(store.value() instanceof Expr.Binary sum) || sum.op() != ScalarOp.ADD) {
      return null;
    }
    Expr.Load self = new Expr.Load(store.buffer(), store.index());
    Expr other = sum.left().equals(self) ? sum.right() : sum.right().equals(self) ? sum.left() : null;
    return other instanceof Expr.Load source ? run("accumulate", loop, store, source) : null;
  }

  /** {@code function} of the run {@code source} reads into the run {@code store} writes, or null when they are not runs. */
  private static Stmt run(String function, Stmt.Loop loop, Stmt.Store store, Expr.Load source) {
    Buffer from = source.buffer();
    Expr.Var i = loop.index();
    // another buffer (so the runs cannot overlap), walked forwards one element a step, as the stored one is
    if (from.equals(store.buffer()) || from.dtype() != DType.F32
        || Accesses.stride(store.index(), i) != 1 || Accesses.stride(source.index(), i) != 1) {
      return null;
    }
    Expr start = Exprs.index(0);
    return new Stmt.Apply(function, from, Statements.substitute(source.index(), i, start), store.buffer(),
        Statements.substitute(store.index(), i, start), loop.extent());
  }
}
