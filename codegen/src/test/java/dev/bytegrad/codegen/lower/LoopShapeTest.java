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

/** {@link LoopCollapse}, {@link LoadHoisting} and {@link LoopBlocking} on hand-built kernels: the cases graphs rarely reach. */
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

  /** {@code out[i0 * n + i1] = x[i1 * 20 + i0]} for i0 < 20, i1 < n: LeNet's transpose back to channel-major, at n = 36,864. */
  private static Kernel transpose(int n) {
    Buffer x = buffer("x", 20 * n, Buffer.Kind.INPUT);
    Buffer out = buffer("out", 20 * n, Buffer.Kind.OUTPUT);
    Stmt nest = new Stmt.Loop(I0, 20, List.of(new Stmt.Loop(I1, n, List.of(new Stmt.Store(out,
        Exprs.add(Exprs.mul(I0, Exprs.index(n)), I1), new Expr.Load(x, Exprs.add(Exprs.mul(I1, Exprs.index(20)), I0)))))));
    return new Kernel("k", "", List.of(nest), List.of(x), List.of(out));
  }

  @Test
  void aTransposeReadingALinePerElementOverMegabytes_isWalkedInBlocks() {
    // blocks of 256 outside, the 20 rows inside them (LoopOrderTest runs one and reads its indices)
    Stmt.Loop blocks = (Stmt.Loop) LoopBlocking.apply(transpose(36864)).body().get(0);
    assertThat(blocks.index().name()).isEqualTo("i1Block");
    assertThat(blocks.extent()).isEqualTo(144);
    Stmt.Loop rows = (Stmt.Loop) blocks.body().get(0);
    assertThat(rows.index()).isEqualTo(I0);
    assertThat(rows.extent()).isEqualTo(20);
    Stmt.Loop within = (Stmt.Loop) rows.body().get(0);
    assertThat(within.index()).isEqualTo(I1);
    assertThat(within.extent()).isEqualTo(256);
    assertThat(within.body()).singleElement().isInstanceOf(Stmt.Store.class);
  }

  @Test
  void aTransposeWhosePassFitsInL2_orWithoutABlockDividingIt_staysAsItIs() {
    // 4,096 lines a pass: 256 KiB, read again from L2
    Kernel small = transpose(4096);
    assertThat(LoopBlocking.apply(small)).isSameAs(small);
    // 36,871 is prime: no block from 64 to 256 divides it
    Kernel prime = transpose(36871);
    assertThat(LoopBlocking.apply(prime)).isSameAs(prime);
    assertThat(LoopBlocking.block(36864)).isEqualTo(256);
    assertThat(LoopBlocking.block(36871)).isZero();
    assertThat(LoopBlocking.block(36863)).as("191 x 193").isEqualTo(193);
  }

  @Test
  void aNestWhoseIterationsStoreTheSameElement_staysAsItIs() {
    // out[i1] = out[i1] + x[i1 * 20 + i0]: every i0 adds to the same elements (a sum over i0)
    int n = 36864;
    Buffer x = buffer("x", 20 * n, Buffer.Kind.INPUT);
    Buffer out = buffer("out", n, Buffer.Kind.OUTPUT);
    Stmt nest = new Stmt.Loop(I0, 20, List.of(new Stmt.Loop(I1, n, List.of(new Stmt.Store(out, I1, new Expr.Binary(ScalarOp.ADD,
        new Expr.Load(out, I1), new Expr.Load(x, Exprs.add(Exprs.mul(I1, Exprs.index(20)), I0))))))));
    Kernel kernel = new Kernel("k", "", List.of(nest), List.of(x, out), List.of(out));
    assertThat(LoopBlocking.apply(kernel)).isSameAs(kernel);
  }

  private static Buffer buffer(String name, int size, Buffer.Kind kind) {
    return new Buffer(name, DType.F32, size, kind, 0, null);
  }
}
