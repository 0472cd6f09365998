package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.Parallel;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits large elementwise kernels over threads. A loop nest of stores with at least two parts' worth of
 * elements ({@link Parallel#ELEMENTS_PER_PART}), in which each iteration of the outer loop stores its own
 * elements ({@link Accesses#independent}), apart from the other iterations' rather than interleaved with
 * them ({@link #apart}), gets its outer loop divided among the parts. A kernel of several nests (an output
 * zeroed, then accumulated into; a transpose and a copy beside it) becomes one kernel per nest first when
 * that lets one of them split. Every element is computed as before, by the same operations in the same
 * order, so the results do not depend on the number of threads.
 */
final class Parallelism {
  private Parallelism() {}

  static List<Kernel> split(Kernel kernel) {
    List<Stmt> body = kernel.body();
    if (body.size() == 1) {
      Stmt.PartLoop parts = parts(body.get(0));
      return List.of(parts == null ? kernel : new Kernel(kernel.name(), kernel.comment(), List.of(parts), kernel.reads(), kernel.writes()));
    }
    if (body.stream().noneMatch(stmt -> parts(stmt) != null) || !body.stream().allMatch(stmt -> stmt instanceof Stmt.Loop)) {
      return List.of(kernel);
    }
    List<Stmt> nests = new ArrayList<>();
    for (Stmt stmt : body) {
      Stmt.PartLoop parts = parts(stmt);
      nests.add(parts == null ? stmt : parts);
    }
    return Lowering.perNest(kernel, nests);
  }

  /** {@code stmt} as a loop split into parts, or null when it is not a nest of stores that splits. */
  private static Stmt.PartLoop parts(Stmt stmt) {
    StoreNest nest = StoreNest.of(stmt);
    if (nest == null || nest.loops().get(0).extent() < 2) {
      return null;
    }
    Stmt.Loop outer = nest.loops().get(0);
    List<Stmt.Loop> within = nest.loops().subList(1, nest.loops().size());
    long elements = nest.loops().stream().mapToLong(Stmt.Loop::extent).reduce(1, Math::multiplyExact);
    if (elements < 2L * Parallel.ELEMENTS_PER_PART) {
      return null;
    }
    List<Stmt.Store> stores = nest.stores();
    return Accesses.independent(stores, List.of(outer), within) && stores.stream().allMatch(store -> apart(store, outer, within))
        ? new Stmt.PartLoop(outer.index(), outer.extent(), outer.body()) : null;
  }

  /**
   * Whether the outer iterations' stores of {@code store} do not interleave: each iteration's elements lie
   * beyond those of the one before (the loops within span less than its stride), or start at least a cache
   * line further on ({@link LoopBlocking}'s blocks). A transpose split by its output's columns would have
   * two threads writing into every line.
   */
  private static boolean apart(Stmt.Store store, Stmt.Loop outer, List<Stmt.Loop> within) {
    long stride = Math.abs(Accesses.stride(store.index(), outer.index()));
    long span = 0;
    for (Stmt.Loop loop : within) {
      long inner = Math.abs(Accesses.stride(store.index(), loop.index()));
      if (inner == Accesses.NOT_AFFINE) {
        return true; // rows through a table, which Accesses found distinct
      }
      span += inner * (loop.extent() - 1);
    }
    if (stride == Accesses.NOT_AFFINE) {
      return true;
    }
    return stride > span || stride * store.buffer().dtype().byteSize() >= LoopBlocking.LINE;
  }
}
