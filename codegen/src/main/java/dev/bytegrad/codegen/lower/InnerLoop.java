package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the innermost loop of a nest of stores by how its accesses walk memory. A loop nest follows its
 * output's axes, so its innermost loop writes contiguously; when it reads something a long stride apart
 * instead (a transpose: a convolution's output moved from channel-major to channel-last), another loop
 * may read and write better. Worst of all is a stride that is a multiple of 4 KiB: every access of the
 * inner loop falls in the same set of the L1 cache, which holds only eight such lines.
 *
 * <p>The chosen loop moves inside the others, which keep their order. Legal when no element is read after
 * another iteration wrote it: a nest that reads what it stores only as read-modify-writes of the element
 * being stored (a scatter-add), each at an index that takes a different value for every iteration of the
 * loops that change order. Each element then sees the same operations in the same order, so the values do
 * not change.
 */
final class InnerLoop {
  private InnerLoop() {}

  static Kernel apply(Kernel kernel) {
    List<Stmt> body = kernel.body().stream().map(InnerLoop::reorder).toList();
    return body.equals(kernel.body()) ? kernel : new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes());
  }

  private static Stmt reorder(Stmt stmt) {
    StoreNest nest = StoreNest.of(stmt);
    if (nest == null || nest.loops().size() < 2) {
      return stmt;
    }
    List<Stmt.Loop> loops = nest.loops();
    List<Stmt.Store> stores = nest.stores();
    List<Stmt> body = List.copyOf(stores);
    int innermost = loops.size() - 1;
    int best = innermost;
    long bestCost = cost(stores, loops.get(innermost).index());
    for (int candidate = 0; candidate < innermost; candidate++) {
      long cost = cost(stores, loops.get(candidate).index());
      if (cost < bestCost) {
        best = candidate;
        bestCost = cost;
      }
    }
    if (best == innermost || !Accesses.independent(stores, loops.subList(best, loops.size()), List.of())) {
      return stmt;
    }
    List<Stmt.Loop> order = new ArrayList<>(loops);
    order.add(order.remove(best));
    Stmt result = null;
    for (int i = order.size() - 1; i >= 0; i--) {
      Stmt.Loop loop = order.get(i);
      result = new Stmt.Loop(loop.index(), loop.extent(), result == null ? body : List.of(result));
    }
    return result;
  }

  /** What the accesses of {@code stores} cost with {@code variable} the innermost loop's index. */
  private static long cost(List<Stmt.Store> stores, Expr.Var variable) {
    long cost = 0;
    for (Stmt.Store store : stores) {
      cost += cost(Accesses.stride(store.index(), variable), store.buffer().dtype().byteSize());
      List<Expr.Load> loads = new ArrayList<>();
      Accesses.loads(store.index(), loads);
      Accesses.loads(store.value(), loads);
      for (Expr.Load load : loads) {
        cost += cost(Accesses.stride(load.index(), variable), load.buffer().dtype().byteSize());
      }
    }
    return cost;
  }

  /** One access's cost by its stride in elements: nothing for an invariant, most for the same L1 set every time. */
  private static long cost(long stride, int elementBytes) {
    if (stride == 0) {
      return 0;
    } else if (stride == Accesses.NOT_AFFINE) {
      return 8;
    }
    long bytes = Math.abs(stride) * elementBytes;
    if (bytes <= elementBytes) {
      return 1;
    } else if (bytes % 4096 == 0) {
      return 32;
    }
    return bytes <= 256 ? 4 : 8;
  }
}
