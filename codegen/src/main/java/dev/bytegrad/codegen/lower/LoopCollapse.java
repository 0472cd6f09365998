package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Merges a loop and the loop inside it into one when together they walk their buffers as one loop would:
 * {@code for i0 < 784: for i1 < 256: v[i0 * 256 + i1] = ...} becomes {@code for i < 200704: v[i] = ...}.
 * Legal when the inner loop is all the outer loop's body and every index in it (of stores and loads, in
 * loops within it too) moves by the inner extent times as much with the outer index as with the inner
 * one; the two variables may appear nowhere but in indices. The iterations run in the same order, so
 * nothing changes but the shape. Merging goes from the innermost pair out, so a nest whose innermost loop
 * broadcasts along rows ({@code bias[i2]}) still merges the loops outside it.
 *
 * <p>The shape matters to the JIT. HotSpot's C2 on JDK 17 leaves an inner loop scalar when its indices
 * carry a term of an outer index ({@code i0 * 256}) and vectorizes the same work as one loop: an
 * optimizer's update over a 784 x 256 weight ran 4x faster merged (stand-alone, this machine). Loops
 * whose indices differ in their outer terms (a bias broadcast along rows) cannot merge and stay as they are.
 */
final class LoopCollapse {
  private LoopCollapse() {}

  static Kernel apply(Kernel kernel) {
    List<Stmt> body = kernel.body().stream().map(LoopCollapse::collapse).toList();
    return body.equals(kernel.body()) ? kernel
        : IndexSimplifier.simplify(new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes()));
  }

  private static Stmt collapse(Stmt stmt) {
    if (!(stmt instanceof Stmt.Loop outer)) {
      return stmt;
    }
    List<Stmt> body = outer.body().stream().map(LoopCollapse::collapse).toList();
    if (body.size() == 1 && body.get(0) instanceof Stmt.Loop inner && mergeable(outer.index(), inner)) {
      // i0 * (E1 * s) + i1 * s == (i0 * E1 + i1) * s: the outer index's terms fold into the merged
      // index's, which takes the outer one's name
      Map<Expr, Expr> merging = Map.of(outer.index(), Exprs.index(0), inner.index(), outer.index());
      List<Stmt> merged = new ArrayList<>();
      for (Stmt s : inner.body()) {
        merged.add(Statements.map(s, e -> Statements.replace(e, merging)));
      }
      return new Stmt.Loop(outer.index(), Math.multiplyExact(outer.extent(), inner.extent()), merged);
    }
    return new Stmt.Loop(outer.index(), outer.extent(), body);
  }

  /** Whether {@code inner}, all the body of the loop over {@code outer}, can merge with it. */
  private static boolean mergeable(Expr.Var outer, Stmt.Loop inner) {
    boolean[] ok = {!inner.body().isEmpty()};
    Expr.Var index = inner.index();
    int extent = inner.extent();
    for (Stmt s : inner.body()) {
      Statements.forEachStmt(s, stmt -> {
        if (stmt instanceof Stmt.Store store) {
          ok[0] &= merges(store.index(), outer, index, extent) && indicesMerge(store.index(), outer, index, extent)
              && indicesMerge(store.value(), outer, index, extent) && !outsideIndices(store.value(), outer, index);
        } else if (stmt instanceof Stmt.Declare || stmt instanceof Stmt.Assign) {
          Statements.forEachExpr(stmt, e -> ok[0] &= indicesMerge(e, outer, index, extent) && !outsideIndices(e, outer, index));
        } else if (!(stmt instanceof Stmt.Loop)) {
          ok[0] = false; // a call, a product, a loop over parts: left as they are
        }
      });
    }
    return ok[0];
  }

  /** Whether every load in {@code e} has an index that merges. */
  private static boolean indicesMerge(Expr e, Expr.Var outer, Expr.Var inner, int innerExtent) {
    List<Expr.Load> loads = new ArrayList<>();
    Accesses.loads(e, loads);
    return loads.stream().allMatch(load -> merges(load.index(), outer, inner, innerExtent));
  }

  /** Whether {@code index} moves by {@code innerExtent} times as much with {@code outer} as with {@code inner}. */
  private static boolean merges(Expr index, Expr.Var outer, Expr.Var inner, int innerExtent) {
    long outerStride = Accesses.stride(index, outer);
    long innerStride = Accesses.stride(index, inner);
    return outerStride != Accesses.NOT_AFFINE && innerStride != Accesses.NOT_AFFINE && outerStride == innerStride * innerExtent;
  }

  /** Whether {@code value} reads a loop variable other than in the index of a load (a one-hot's comparison). */
  private static boolean outsideIndices(Expr value, Expr.Var outer, Expr.Var inner) {
    if (value instanceof Expr.Load) {
      return false;
    }
    if (value.equals(outer) || value.equals(inner)) {
      return true;
    }
    if (value instanceof Expr.Unary unary) {
      return outsideIndices(unary.operand(), outer, inner);
    } else if (value instanceof Expr.Binary binary) {
      return outsideIndices(binary.left(), outer, inner) || outsideIndices(binary.right(), outer, inner);
    } else if (value instanceof Expr.Select select) {
      return outsideIndices(select.condition(), outer, inner) || outsideIndices(select.ifTrue(), outer, inner)
          || outsideIndices(select.ifFalse(), outer, inner);
    } else if (value instanceof Expr.Cast cast) {
      return outsideIndices(cast.operand(), outer, inner);
    }
    return false;
  }
}
