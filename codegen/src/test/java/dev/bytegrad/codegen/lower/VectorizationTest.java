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

/** Which loops {@link Vectorization} lets run a vector of iterations at a time, on hand-built loops. */
class VectorizationTest {
  private static final Buffer X = buffer("x", 256);
  private static final Buffer OUT = buffer("out", 256);
  private static final Expr.Var I = new Expr.Var("i0", DType.I32);

  private static boolean vectorizable(Stmt... body) {
    return Vectorization.vectorizable(I, 128, List.of(body));
  }

  private static Expr at(Buffer buffer, int offset) {
    return new Expr.Load(buffer, new Expr.Binary(ScalarOp.ADD, I, Exprs.index(offset)));
  }

  @Test
  void anUpdateInPlace_isVectorized() {
    // out[i] = out[i] * x[i]: each lane reads only the element it stores
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Binary(ScalarOp.MUL, new Expr.Load(OUT, I), new Expr.Load(X, I))))).isTrue();
  }

  @Test
  void aLoadOfAnotherElementOfTheStoredBuffer_keepsTheLoopScalar() {
    // out[i] = out[i + 1] + 1 reads what the scalar loop has not yet overwritten; a vector would too, but a
    // prefix sum (out[i + 1] = out[i] + x[i]) would not, and the two are told apart only by the index
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Binary(ScalarOp.ADD, at(OUT, 1), new Expr.Const(DType.F32, 1))))).isFalse();
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Load(X, I)),
        new Stmt.Store(OUT, new Expr.Binary(ScalarOp.ADD, I, Exprs.index(128)), new Expr.Load(X, I)))).isFalse();
  }

  @Test
  void aBroadcastScalar_isVectorized_butAStridedLoad_isNot() {
    Expr scalar = new Expr.Load(X, Exprs.index(3));
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Binary(ScalarOp.SUB, new Expr.Load(X, I), scalar)))).isTrue();
    Expr strided = new Expr.Load(X, new Expr.Binary(ScalarOp.MUL, I, Exprs.index(2)));
    assertThat(vectorizable(new Stmt.Store(OUT, I, strided))).isFalse();
    assertThat(vectorizable(new Stmt.Store(OUT, new Expr.Binary(ScalarOp.MUL, I, Exprs.index(2)), new Expr.Load(X, I)))).isFalse();
  }

  @Test
  void transcendentalFunctionsAndIntegerValues_keepTheLoopScalar() {
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Unary(ScalarOp.EXP, new Expr.Load(X, I))))).isFalse();
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Cast(DType.F32, I)))).isFalse();
  }

  @Test
  void comparisons_madeFloatsOrChoosing_areVectorized() {
    Expr x = new Expr.Load(X, I);
    Expr positive = new Expr.Binary(ScalarOp.GT, x, new Expr.Const(DType.F32, 0));
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Cast(DType.F32, positive)))).isTrue();
    assertThat(vectorizable(new Stmt.Store(OUT, I, new Expr.Select(positive, x, new Expr.Unary(ScalarOp.NEG, x))))).isTrue();
  }

  @Test
  void shortLoops_stayScalar() {
    Stmt copy = new Stmt.Store(OUT, I, new Expr.Load(X, I));
    assertThat(Vectorization.vectorizable(I, Vectorization.SHORTEST - 1, List.of(copy))).isFalse();
    assertThat(Vectorization.vectorizable(I, Vectorization.SHORTEST, List.of(copy))).isTrue();
  }

  @Test
  void aLoopOfFewElementsACall_staysScalar_evenInsideAnother() {
    // a kernel runs its vector loops in slow, allocating C1 code until the loops have run ~40,000 times
    Expr.Var outer = new Expr.Var("i1", DType.I32);
    Buffer big = buffer("big", 128 * 64);
    Stmt inner = new Stmt.Loop(I, 128, List.of(new Stmt.Store(big, new Expr.Binary(ScalarOp.ADD,
        new Expr.Binary(ScalarOp.MUL, outer, Exprs.index(128)), I), new Expr.Const(DType.F32, 1))));
    Kernel alone = new Kernel("k", "", List.of(new Stmt.Loop(outer, 1, List.of(inner))), List.of(), List.of(big));
    Kernel nested = new Kernel("k", "", List.of(new Stmt.Loop(outer, 64, List.of(inner))), List.of(), List.of(big));
    assertThat(Vectorization.apply(alone)).isEqualTo(alone);
    Stmt.Loop vector = (Stmt.Loop) ((Stmt.Loop) Vectorization.apply(nested).body().get(0)).body().get(0);
    assertThat(vector.vector()).isTrue();
  }

  private static Buffer buffer(String name, int size) {
    return new Buffer(name, DType.F32, size, Buffer.Kind.INPUT, 0, null);
  }
}
