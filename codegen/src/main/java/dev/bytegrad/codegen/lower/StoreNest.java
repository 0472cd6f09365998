package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Stmt;
import java.util.ArrayList;
import java.util.List;

/**
 * A perfect nest of loops around stores: each loop all of the body of the one outside it, the innermost
 * body nothing but stores. The shape that {@link InnerLoop} reorders, {@link LoopBlocking} blocks and
 * {@link Parallelism} splits.
 */
record StoreNest(List<Stmt.Loop> loops, List<Stmt.Store> stores) {
  /** {@code stmt} as such a nest, outermost loop first, or null when it is not one. */
  static StoreNest of(Stmt stmt) {
    List<Stmt.Loop> loops = new ArrayList<>();
    List<Stmt> body = List.of(stmt);
    while (body.size() == 1 && body.get(0) instanceof Stmt.Loop loop) {
      loops.add(loop);
      body = loop.body();
    }
    if (loops.isEmpty() || body.isEmpty() || !body.stream().allMatch(s -> s instanceof Stmt.Store)) {
      return null;
    }
    return new StoreNest(List.copyOf(loops), body.stream().map(s -> (Stmt.Store) s).toList());
  }
}
