package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an element that a kernel's loops load at a constant index, of a buffer the kernel never writes,
 * once before its loops: {@code final float learning_rateAt0 = learning_rate[0];}. The value is the same
 * either way (no statement of the kernel can change it, and two buffers a kernel touches never share
 * memory: see {@code MemoryPlan}). The JIT cannot know that another array stored to in the loop is not the
 * same array, so it loads the element again every iteration, and on JDK 17 such a load keeps the whole
 * loop scalar: an optimizer's update over 200,704 weights ran 4x faster with the learning rate read
 * before it (stand-alone, this machine).
 *
 * <p>Runs last: the declarations go first in the kernel's body, before a loop split over threads too
 * (each part reads the element itself).
 */
final class LoadHoisting {
  private LoadHoisting() {}

  static Kernel apply(Kernel kernel) {
    Set<Buffer> written = new HashSet<>(kernel.writes());
    Set<String> names = new HashSet<>();
    kernel.reads().forEach(buffer -> names.add(buffer.name()));
    kernel.writes().forEach(buffer -> names.add(buffer.name()));
    Map<Expr.Load, Expr.Var> hoisted = new LinkedHashMap<>();
    for (Stmt stmt : kernel.body()) {
      if (stmt instanceof Stmt.Loop || stmt instanceof Stmt.PartLoop) {
        Statements.forEachStmt(stmt, inner -> Statements.forEachExpr(inner, e -> Statements.forEachSubexpression(e, sub -> {
          if (sub instanceof Expr.Load load && load.index() instanceof Expr.Const index
              && index.value() >= 0 && index.value() < load.buffer().size() && !written.contains(load.buffer())
              && !hoisted.containsKey(load)) {
            String name = load.buffer().name() + "At" + (long) index.value();
            while (!names.add(name)) {
              name += "_";
            }
            hoisted.put(load, new Expr.Var(name, load.dtype()));
          }
        })));
      }
    }
    if (hoisted.isEmpty()) {
      return kernel;
    }
    List<Stmt> body = new ArrayList<>();
    hoisted.forEach((load, local) -> body.add(new Stmt.Declare(local, load)));
    for (Stmt stmt : kernel.body()) {
      body.add(Statements.map(stmt, e -> Statements.replace(e, hoisted)));
    }
    return new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes());
  }
}
