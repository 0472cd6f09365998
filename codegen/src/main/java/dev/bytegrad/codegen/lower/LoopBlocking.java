package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Walks a large transpose in blocks. A nest such as LeNet's {@code for i0 < 20: for i1 < 36864:
 * out[i0 * 36864 + i1] = x[i1 * 20 + i0]} reads a cache line of x for every element of its inner loop, and
 * the next pass of the outer loop needs the same lines again, one element further on; a pass touches 2.3 MB
 * of lines, more than an L2 cache holds, so each of the twenty passes reads x from L3 or memory again. The
 * inner loop is cut into blocks, and the loop over blocks goes outside:
 * {@code for i1Block < 144: for i0 < 20: for i1 < 256: out[i0 * 36864 + (i1Block * 256 + i1)] = x[(i1Block * 256 + i1) * 20 + i0]}:
 * a block's 256 lines (16 KiB) stay in L1 while the twenty passes read them. Stand-alone on this machine
 * that transpose ran 1.9x faster (1.29 to 0.68 ms, blocks of 256; 64 and 1,024 were slower), and 1.5x in
 * LeNet's step (1.29-1.42 to 0.85-0.92 ms, one thread).
 *
 * <p>Taken by the innermost two loops of a nest of stores where some access (a store or a load) moves a
 * cache line or more with the inner loop and less than one with the one outside it, and a pass of the inner
 * loop covers more than {@value #PASS_BYTES} bytes of such lines; the inner extent must have a divisor
 * between {@value #SMALLEST_BLOCK} and {@value #BLOCK}, which becomes the block. Legal when each iteration
 * of the two loops stores its own elements ({@link Accesses#independent}): every element then sees the same
 * operations, in another order of the iterations, so the values do not change.
 */
final class LoopBlocking {
  /** Bytes of a cache line. */
  static final int LINE = 64;
  /** Elements of the inner loop a block takes at most: 256 lines, half of a 32 KiB L1 cache. */
  static final int BLOCK = 256;
  /** The smallest block worth the loop around it. */
  static final int SMALLEST_BLOCK = 64;
  /**
   * A pass of the inner loop that touches more lines than this is blocked: half of an L2 cache of 1 MiB,
   * which the lines the loop writes share. LeNet's pooled activations, 20 x 9,216 (576 KiB a pass), ran
   * 1.5x faster blocked (stand-alone); 50 x 4,096 (256 KiB) and 16 x 3,200 gained nothing clear.
   */
  static final long PASS_BYTES = 1 << 19;

  private LoopBlocking() {}

  static Kernel apply(Kernel kernel) {
    List<Stmt> body = kernel.body().stream().map(LoopBlocking::block).toList();
    return body.equals(kernel.body()) ? kernel
        : IndexSimplifier.simplify(new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes()));
  }

  private static Stmt block(Stmt stmt) {
    StoreNest nest = StoreNest.of(stmt);
    if (nest == null || nest.loops().size() < 2) {
      return stmt;
    }
    List<Stmt.Loop> loops = nest.loops();
    List<Stmt.Store> stores = nest.stores();
    Stmt.Loop outer = loops.get(loops.size() - 2);
    Stmt.Loop inner = loops.get(loops.size() - 1);
    int block = block(inner.extent());
    if (block == 0 || outer.extent() < 2 || !strided(stores, outer, inner)
        || !Accesses.independent(stores, List.of(outer, inner), List.of())) {
      return stmt;
    }
    Expr.Var blocks = new Expr.Var(inner.index().name() + "Block", DType.I32);
    Map<Expr.Var, Expr> position = Map.of(inner.index(), Exprs.add(Exprs.mul(blocks, Exprs.index(block)), inner.index()));
    List<Stmt> within = stores.stream().map(s -> Statements.map(s, e -> Statements.replace(e, position))).toList();
    Stmt result = new Stmt.Loop(blocks, inner.extent() / block,
        List.of(new Stmt.Loop(outer.index(), outer.extent(), List.of(new Stmt.Loop(inner.index(), block, within)))));
    for (int i = loops.size() - 3; i >= 0; i--) {
      result = new Stmt.Loop(loops.get(i).index(), loops.get(i).extent(), List.of(result));
    }
    return result;
  }

  /** The largest divisor of {@code extent} from {@value #SMALLEST_BLOCK} to {@value #BLOCK} leaving two blocks or more, or 0. */
  static int block(int extent) {
    for (int block = Math.min(BLOCK, extent / 2); block >= SMALLEST_BLOCK; block--) {
      if (extent % block == 0) {
        return block;
      }
    }
    return 0;
  }

  /** Whether an access of {@code stores} walks lines with {@code inner} that the next {@code outer} iteration walks again. */
  private static boolean strided(List<Stmt.Store> stores, Stmt.Loop outer, Stmt.Loop inner) {
    for (Stmt.Store store : stores) {
      if (strided(store.index(), store.buffer().dtype().byteSize(), outer, inner)) {
        return true;
      }
      List<Expr.Load> loads = new ArrayList<>();
      Accesses.loads(store.index(), loads);
      Accesses.loads(store.value(), loads);
      for (Expr.Load load : loads) {
        if (strided(load.index(), load.buffer().dtype().byteSize(), outer, inner)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean strided(Expr index, int elementBytes, Stmt.Loop outer, Stmt.Loop inner) {
    long innerStride = Accesses.stride(index, inner.index());
    long outerStride = Accesses.stride(index, outer.index());
    if (innerStride == Accesses.NOT_AFFINE || outerStride == Accesses.NOT_AFFINE) {
      return false;
    }
    return Math.abs(innerStride) * elementBytes >= LINE && Math.abs(outerStride) * elementBytes < LINE
        && (long) inner.extent() * LINE > PASS_BYTES;
  }
}
