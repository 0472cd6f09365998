package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Stmt;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Walks and rewrites statements of the loop IR: the expressions each holds, and the statements of its loops. */
final class Statements {
  private Statements() {}

  /** {@code stmt} with {@code f} applied to each of its expressions, in its loops too; a called kernel is left as it is. */
  static Stmt map(Stmt stmt, UnaryOperator<Expr> f) {
    if (stmt instanceof Stmt.Loop loop) {
      return new Stmt.Loop(loop.index(), loop.extent(), loop.body().stream().map(s -> map(s, f)).toList(), loop.vector());
    } else if (stmt instanceof Stmt.PartLoop loop) {
      return new Stmt.PartLoop(loop.index(), loop.extent(), loop.body().stream().map(s -> map(s, f)).toList(), loop.vector(), loop.chunks());
    } else if (stmt instanceof Stmt.Store store) {
      return new Stmt.Store(store.buffer(), f.apply(store.index()), f.apply(store.value()));
    } else if (stmt instanceof Stmt.Declare declare) {
      return new Stmt.Declare(declare.local(), f.apply(declare.init()));
    } else if (stmt instanceof Stmt.Assign assign) {
      return new Stmt.Assign(assign.local(), f.apply(assign.value()));
    } else if (stmt instanceof Stmt.Apply apply) {
      return new Stmt.Apply(apply.function(), apply.src(), f.apply(apply.srcOffset()), apply.dst(), f.apply(apply.dstOffset()), apply.n());
    } else if (stmt instanceof Stmt.Gemm g) {
      return g.withOffsets(f.apply(g.aOffset()), f.apply(g.bOffset()), f.apply(g.cOffset()));
    }
    return stmt; // Call, GemmEpoch
  }

  /** Calls {@code action} with each expression of {@code stmt} (not their subexpressions), in its loops too. */
  static void forEachExpr(Stmt stmt, Consumer<Expr> action) {
    map(stmt, e -> {
      action.accept(e);
      return e;
    });
  }

  /** Calls {@code action} with {@code stmt} and, inside its loops, every statement they hold. */
  static void forEachStmt(Stmt stmt, Consumer<Stmt> action) {
    action.accept(stmt);
    if (stmt instanceof Stmt.Loop loop) {
      loop.body().forEach(s -> forEachStmt(s, action));
    } else if (stmt instanceof Stmt.PartLoop loop) {
      loop.body().forEach(s -> forEachStmt(s, action));
    }
  }

  /** {@code e} with {@code variable} replaced by {@code value}. */
  static Expr substitute(Expr e, Expr.Var variable, Expr value) {
    return replace(e, Map.of(variable, value));
  }

  /** {@code e} with each subexpression that is a key of {@code replacements} replaced by its value. */
  static Expr replace(Expr e, Map<? extends Expr, ? extends Expr> replacements) {
    Expr replacement = replacements.get(e);
    if (replacement != null) {
      return replacement;
    } else if (e instanceof Expr.Load load) {
      return new Expr.Load(load.buffer(), replace(load.index(), replacements));
    } else if (e instanceof Expr.Unary unary) {
      return new Expr.Unary(unary.op(), replace(unary.operand(), replacements));
    } else if (e instanceof Expr.Binary binary) {
      return new Expr.Binary(binary.op(), replace(binary.left(), replacements), replace(binary.right(), replacements));
    } else if (e instanceof Expr.Select select) {
      return new Expr.Select(replace(select.condition(), replacements), replace(select.ifTrue(), replacements),
          replace(select.ifFalse(), replacements));
    } else if (e instanceof Expr.Cast cast) {
      return new Expr.Cast(cast.dtype(), replace(cast.operand(), replacements));
    }
    return e;
  }

  /** Calls {@code action} with {@code e} and each of its subexpressions, outermost first. */
  static void forEachSubexpression(Expr e, Consumer<Expr> action) {
    action.accept(e);
    if (e instanceof Expr.Load load) {
      forEachSubexpression(load.index(), action);
    } else if (e instanceof Expr.Unary unary) {
      forEachSubexpression(unary.operand(), action);
    } else if (e instanceof Expr.Binary binary) {
      forEachSubexpression(binary.left(), action);
      forEachSubexpression(binary.right(), action);
    } else if (e instanceof Expr.Select select) {
      forEachSubexpression(select.condition(), action);
      forEachSubexpression(select.ifTrue(), action);
      forEachSubexpression(select.ifFalse(), action);
    } else if (e instanceof Expr.Cast cast) {
      forEachSubexpression(cast.operand(), action);
    }
  }
}
