package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Marks the innermost loops the emitters compute a vector of elements at a time, on the Vector API: loops
 * whose body is stores of f32 elements, each store walking its buffer one element a step, of values made
 * of loads that walk the same way or stay put (a broadcast bias), constants, the scalars a kernel reads
 * before its loops, {@code + - * /}, {@code max}, negation, absolute value, square root, and comparisons
 * made f32 or choosing between two values. HotSpot's C2 leaves such loops scalar on JDK 17, and on JDK 25
 * too as soon as two of their arrays are indexed with different loop-invariant terms (a row of a batch and
 * a bias, two ranges of the one arena) or a comparison picks a value: a ReLU's derivative over 64 x 256
 * elements took 30 us, its vector loop 3 (stand-alone, this machine). Each lane gets the same operations
 * as the scalar loop, in IEEE arithmetic with Java's {@code max}, so the bits do not change (but for
 * which NaN a NaN is: its sign and payload are the machine's, in Java as in C2's vector code); the
 * transcendental functions are left to {@code Vectors}' calls and to scalar code, whose results the
 * vector ones would not match to the bit.
 *
 * <p>Within one iteration, every load of a buffer the loop stores reads the element that iteration
 * stores (an update in place, a value stored and read back), so that lanes never see one another's
 * elements; two buffers a kernel touches never share memory (see {@code MemoryPlan}).
 */
final class Vectorization {
  /** The shortest loop made a vector loop: eight vectors of AVX2, against at most seven elements of tail. */
  static final int SHORTEST = 64;
  /**
   * The fewest elements a kernel's call gives a vector loop, its loops outside included. The JIT compiles
   * a loop with C2 once it has run about 40,000 iterations (HotSpot's Tier4BackEdgeThreshold), and until
   * then a kernel runs its vector loop in C1 code, which allocates every vector and is many times slower
   * than scalar code: a loop over LeNet's 500 biases would wait some 600 steps, and 30 s, for it.
   */
  static final int FEWEST_ELEMENTS = 4096;
  /** The operations whose vector forms ({@code FloatVector.neg()}, {@code add}, ...) round as Java does. */
  private static final Set<ScalarOp> UNARY = Set.of(ScalarOp.NEG, ScalarOp.ABS, ScalarOp.SQRT);
  private static final Set<ScalarOp> BINARY =
      Set.of(ScalarOp.ADD, ScalarOp.SUB, ScalarOp.MUL, ScalarOp.DIV, ScalarOp.MAX);

  private Vectorization() {}

  static Kernel apply(Kernel kernel) {
    List<Stmt> body = kernel.body().stream().map(stmt -> rewrite(stmt, 1)).toList();
    return body.equals(kernel.body()) ? kernel
        : new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes());
  }

  /** {@code stmt} with its loops made vector loops where they can be; the loops outside run {@code outer} times. */
  private static Stmt rewrite(Stmt stmt, long outer) {
    if (stmt instanceof Stmt.Loop loop) {
      long elements = outer * loop.extent();
      if (elements >= FEWEST_ELEMENTS && vectorizable(loop.index(), loop.extent(), loop.body())) {
        return new Stmt.Loop(loop.index(), loop.extent(), loop.body(), true);
      }
      List<Stmt> body = loop.body().stream().map(inner -> rewrite(inner, elements)).toList();
      return new Stmt.Loop(loop.index(), loop.extent(), body);
    }
    if (stmt instanceof Stmt.PartLoop part) {
      long elements = outer * part.extent();
      if (elements >= FEWEST_ELEMENTS && vectorizable(part.index(), part.extent(), part.body())) {
        return new Stmt.PartLoop(part.index(), part.extent(), part.body(), true);
      }
      List<Stmt> body = part.body().stream().map(inner -> rewrite(inner, elements)).toList();
      return new Stmt.PartLoop(part.index(), part.extent(), body);
    }
    return stmt;
  }

  /** Whether a loop over {@code index} with this body can run a vector of iterations at a time. */
  static boolean vectorizable(Expr.Var index, int extent, List<Stmt> body) {
    if (extent < SHORTEST || body.isEmpty()) {
      return false;
    }
    Map<Buffer, Expr> stored = new HashMap<>();
    for (Stmt stmt : body) {
      if (!(stmt instanceof Stmt.Store store) || store.buffer().dtype() != DType.F32
          || Accesses.stride(store.index(), index) != 1 || !lanewise(store.value(), index)) {
        return false;
      }
      Expr before = stored.putIfAbsent(store.buffer(), store.index());
      if (before != null && !before.equals(store.index())) {
        return false;
      }
    }
    List<Expr.Load> loads = new ArrayList<>();
    for (Stmt stmt : body) {
      Accesses.loads(((Stmt.Store) stmt).value(), loads);
    }
    for (Expr.Load load : loads) {
      Expr storedAt = stored.get(load.buffer());
      if (storedAt != null && !storedAt.equals(load.index())) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code e}, an f32 value, has a vector form whose lanes compute what the scalar form does. */
  private static boolean lanewise(Expr e, Expr.Var index) {
    if (e.dtype() != DType.F32) {
      return false;
    }
    if (e instanceof Expr.Const) {
      return true;
    } else if (e instanceof Expr.Load load) {
      long stride = Accesses.stride(load.index(), index);
      return stride == 1 || stride == 0;
    } else if (e instanceof Expr.Var) {
      return true;
    } else if (e instanceof Expr.Unary unary) {
      return UNARY.contains(unary.op()) && lanewise(unary.operand(), index);
    } else if (e instanceof Expr.Binary binary) {
      return BINARY.contains(binary.op()) && lanewise(binary.left(), index) && lanewise(binary.right(), index);
    } else if (e instanceof Expr.Cast cast) {
      return comparison(cast.operand(), index);
    } else if (e instanceof Expr.Select select) {
      return comparison(select.condition(), index) && lanewise(select.ifTrue(), index)
          && lanewise(select.ifFalse(), index);
    }
    return false;
  }

  /** Whether {@code e} compares two f32 values that have vector forms. */
  private static boolean comparison(Expr e, Expr.Var index) {
    return e instanceof Expr.Binary compare && compare.op().isComparison() && compare.left().dtype() == DType.F32
        && lanewise(compare.left(), index) && lanewise(compare.right(), index);
  }
}
