package dev.bytegrad.codegen.lower;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LoopCollapse} and {@link LoadHoisting} on hand-built kernels: the cases graphs rarely reach. */
class LoopShapeTest {
  private static final Buffer X = buffer("x", 64, Buffer.Kind.INPUT);
  private static final Buffer RATE = buffer("rate", 1, Buffer.Kind.INPUT);
  private static final Buffer TABLE = new Buffer("table", DType.I32, 4, Buffer.Kind.INPUT, 3, null);
  private static final Buffer OUT = buffer("out", 64, Buffer.Kind.OUTPUT);
  private static final Buffer TOTAL = buffer("total", 1, Buffer.Kind.OUTPUT);
  private static final Expr.Var I0 = new Expr.Var("i0", DType.I32);
  private static final Expr.Var I1 = new Expr.Var("i1", DType.I32);

  @Test
  void aScalarTheKernelAlsoWrites_staysInTheLoop() {
    // total[0] += x[i]: hoisting the load would add every element to the first value only
    Expr total = new Expr.Load(TOTAL, Exprs.index(0));
    Stmt loop = new Stmt.Loop(I0, 64, List.of(new Stmt.Store(TOTAL, Exprs.index(0),
        new Expr.Binary(ScalarOp.ADD, total, new Expr.Load(X, I0)))));
    Kernel kernel = new Kernel("k", "", List.of(loop), List.of(X, TOTAL), List.of(TOTAL));
    assertThat(LoadHoisting.apply(kernel)).isSameAs(kernel);
  }

  @Test
  void aScalarReadOnly_isDeclaredOnceBeforeTheLoop() {
    Stmt loop = new Stmt.Loop(I0, 64, List.of(new Stmt.Store(OUT, I0,
        new Expr.Binary(ScalarOp.MUL, new Expr.Load(X, I0), new Expr.Load(RATE, Exprs.index(0))))));
    Kernel hoisted = LoadHoisting.apply(new Kernel("k", "", List.of(loop), List.of(X, RATE), List.of(OUT)));
    Expr.Var local = new Expr.Var("rateAt0", DType.F32);
    assertThat(hoisted.body()).containsExactly(new Stmt.Declare(local, new Expr.Load(RATE, Exprs.index(0))),
        new Stmt.Loop(I0, 64, List.of(new Stmt.Store(OUT, I0, new Expr.Binary(ScalarOp.MUL, new Expr.Load(X, I0), local)))));
  }

  @Test
  void anIndexThroughATable_isNotMerged() {
    // out[i0 * 16 + i1] = x[table[i0] * 16 + i1]: rows gathered in any order are not one run
    Expr row = new Expr.Load(TABLE, I0);
    Stmt nest = new Stmt.Loop(I0, 4, List.of(new Stmt.Loop(I1, 16, List.of(new Stmt.Store(OUT,
        Exprs.add(Exprs.mul(I0, Exprs.index(16)), I1), new Expr.Load(X, Exprs.add(Exprs.mul(row, Exprs.index(16)), I1)))))));
    Kernel kernel = new Kernel("k", "", List.of(nest), List.of(X, TABLE), List.of(OUT));
    assertThat(LoopCollapse.apply(kernel)).isSameAs(kernel);
  }

  @Test
  void aLoopIndexUsedAsAValue_isNotMerged() {
    // out[i0 * 16 + i1] = (float) i1: merging would give the flat position instead
    Stmt nest = new Stmt.Loop(I0, 4, List.of(new Stmt.Loop(I1, 16, List.of(new Stmt.Store(OUT,
        Exprs.add(Exprs.mul(I0, Exprs.index(16)), I1), new Expr.Cast(DType.F32, I1))))));
    Kernel kernel = new Kernel("k", "", List.of(nest), List.of(), List.of(OUT));
    assertThat(LoopCollapse.apply(kernel)).isSameAs(kernel);
  }

  private static Buffer buffer(String name, int size, Buffer.Kind kind) {
    return new Buffer(name, DType.F32, size, kind, 0, null);
  }
}
