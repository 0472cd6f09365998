package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a scan in chunks of the rows of its batch, each chunk a whole loop over the steps, split over
 * threads. The rows of a recurrent network's batch never meet inside its loop: row b of the new state
 * depends on row b of the old state and of the step's input alone. So instead of splitting each step's
 * product over the threads and waiting for them 32 times a sequence (and running the step's lanewise
 * gates on one thread in between), each thread runs the loop from the first step to the last over its
 * own rows, and they meet once.
 *
 * <p>The loop kernel becomes a {@link Stmt.PartLoop} over chunks ({@code chunks}), and the kernels of
 * its body take the chunk as a parameter: each of their loop nests, copies ({@link Stmt.Apply}) and
 * products runs over the chunk's rows, its index shifted by the chunk's first row. That is the original
 * loop restricted to some of its iterations, so every element is computed by the same operations as
 * before; the number of chunks depends on the batch alone, so the results do not depend on the threads.
 *
 * <p>It is done only when it is safe to: every buffer the loop writes is read and written by each chunk
 * at its own rows only (row {@code b} of a step being elements {@code [b X, (b + 1) X)} of a slab of
 * {@code B X}, the slabs one per step for stacked results), products multiply the chunk's rows by
 * something the loop does not write, and nothing else (a sum over the batch, a gather through computed
 * indices, a scan within the scan) touches what the loop writes. Otherwise the loop stays as it was.
 */
final class ScanChunks {
  /** Fewest rows of a chunk: smaller products waste their register tiles. */
  static final int MIN_ROWS = 16;
  /** Most chunks: enough for four threads. */
  static final int MAX_CHUNKS = 4;
  /** The parameter of the chunked kernels: which chunk of rows they compute. */
  static final Expr.Var CHUNK = new Expr.Var("chunk", DType.I32);

  private final int batch;
  private final int rows;
  private final Expr.Var step;
  private final Set<Buffer> written = new HashSet<>();
  /** Elements of a row of each buffer the loop writes, as its accesses show them. */
  private final Map<Buffer, Long> rowSizes = new HashMap<>();
  private final Map<String, Kernel> chunked = new HashMap<>();

  private ScanChunks(int batch, int rows, Expr.Var step) {
    this.batch = batch;
    this.rows = rows;
    this.step = step;
  }

  /** Chunks of a batch of {@code batch} rows: the most, up to {@value #MAX_CHUNKS}, of {@value #MIN_ROWS} rows or more. */
  static int chunks(int batch) {
    int chunks = 1;
    while (chunks * 2 <= MAX_CHUNKS && batch % (chunks * 2) == 0 && batch / (chunks * 2) >= MIN_ROWS) {
      chunks *= 2;
    }
    return chunks;
  }

  /**
   * {@code kernel}, the loop of a scan over a batch of {@code batch} rows whose loop over steps has the
   * index {@code step}, run in chunks of rows; or {@code kernel} itself, when the batch is too small to
   * split or the loop's rows meet.
   */
  static Kernel apply(Kernel kernel, Expr.Var step, int batch) {
    int chunks = chunks(batch);
    if (chunks == 1) {
      return kernel;
    }
    ScanChunks split = new ScanChunks(batch, batch / chunks, step);
    split.collectWrites(kernel.body());
    List<Stmt> epochs = new ArrayList<>();
    List<Stmt> each = new ArrayList<>();
    for (Stmt statement : kernel.body()) {
      if (statement instanceof Stmt.GemmEpoch) {
        epochs.add(statement);
        continue;
      }
      Stmt rewritten = split.loopStatement(statement);
      if (rewritten == null) {
        return kernel;
      }
      each.add(rewritten);
    }
    List<Stmt> body = new ArrayList<>(epochs);
    body.add(new Stmt.PartLoop(CHUNK, chunks, each, false, true));
    String comment = kernel.comment().replaceFirst("^loop of ", "loop, in " + chunks + " chunks of " + (batch / chunks) + " rows, of ");
    return new Kernel(kernel.name(), comment, body, kernel.reads(), kernel.writes());
  }

  /** Every buffer the loop kernel and the kernels it calls write. */
  private void collectWrites(List<Stmt> body) {
    for (Stmt statement : body) {
      Statements.forEachStmt(statement, s -> {
        if (s instanceof Stmt.Store store) {
          written.add(store.buffer());
        } else if (s instanceof Stmt.Apply apply) {
          written.add(apply.dst());
        } else if (s instanceof Stmt.Gemm gemm) {
          written.add(gemm.c());
        } else if (s instanceof Stmt.Call call) {
          collectWrites(call.kernel().body());
        }
      });
    }
  }

  /** A statement of the loop kernel, for one chunk; null when it cannot be. */
  private Stmt loopStatement(Stmt statement) {
    if (statement instanceof Stmt.Loop loop && loop.index().equals(step)) {
      List<Stmt> body = new ArrayList<>();
      for (Stmt inner : loop.body()) {
        Stmt rewritten = loopStatement(inner);
        if (rewritten == null) {
          return null;
        }
        body.add(rewritten);
      }
      return new Stmt.Loop(loop.index(), loop.extent(), body, loop.vector());
    }
    if (statement instanceof Stmt.Call call) {
      Kernel kernel = chunk(call.kernel());
      return kernel == null ? null : new Stmt.Call(kernel, List.of(CHUNK));
    }
    return statement(statement);
  }

  /** A kernel the loop calls, taking the chunk as a parameter; null when its rows meet. */
  private Kernel chunk(Kernel kernel) {
    if (!kernel.parameters().isEmpty()) {
      return null;
    }
    if (chunked.containsKey(kernel.name())) {
      return chunked.get(kernel.name());
    }
    List<Stmt> body = new ArrayList<>();
    for (Stmt statement : kernel.body()) {
      if (statement instanceof Stmt.Call || statement instanceof Stmt.GemmEpoch) {
        return null; // a scan within the scan
      }
      // within a chunk, a kernel's large loop is not split again over the threads: they are all busy
      Stmt plain = statement instanceof Stmt.PartLoop part ? new Stmt.Loop(part.index(), part.extent(), part.body(), part.vector())
          : statement;
      Stmt rewritten = statement(plain);
      if (rewritten == null) {
        return null;
      }
      body.add(rewritten);
    }
    Kernel result = new Kernel(kernel.name(), kernel.comment(), body, kernel.reads(), kernel.writes(), List.of(CHUNK));
    chunked.put(kernel.name(), result);
    return result;
  }

  /** One statement of a kernel, for one chunk; null when it touches other rows than the chunk's. */
  private Stmt statement(Stmt statement) {
    if (statement instanceof Stmt.Declare || statement instanceof Stmt.Assign) {
      List<Access> accesses = new ArrayList<>();
      Statements.forEachExpr(statement, e -> loads(e, accesses, List.of()));
      return accesses.stream().anyMatch(access -> written.contains(access.buffer())) ? null : statement;
    }
    if (statement instanceof Stmt.Loop loop) {
      return nest(loop);
    }
    if (statement instanceof Stmt.Apply apply) {
      return apply(apply);
    }
    if (statement instanceof Stmt.Gemm gemm) {
      return gemm(gemm);
    }
    return null; // a store outside a loop, a part loop of the loop kernel itself
  }

  /** A loop nest over {@code batch x g} iterations, for the chunk's {@code rows x g}. */
  private Stmt nest(Stmt.Loop loop) {
    if (loop.extent() % batch != 0) {
      return null;
    }
    long group = loop.extent() / batch;
    List<Access> accesses = new ArrayList<>();
    if (!accesses(loop.body(), accesses, new ArrayList<>())) {
      return null;
    }
    for (Access access : accesses) {
      if (written.contains(access.buffer()) && !ownRows(access, loop.index(), group)) {
        return null;
      }
    }
    Expr shifted = Exprs.add(loop.index(), Exprs.mul(CHUNK, Exprs.index((int) (rows * group))));
    List<Stmt> body = loop.body().stream().map(s -> substitute(s, loop.index(), shifted)).toList();
    return new Stmt.Loop(loop.index(), (int) (rows * group), body, loop.vector());
  }

  /** {@code dst[dstOffset + i] = f(src[srcOffset + i])} for {@code i < n}: over the chunk's share of n. */
  private Stmt apply(Stmt.Apply apply) {
    if (apply.n() % batch != 0) {
      return null;
    }
    long group = apply.n() / batch;
    Expr.Var i = new Expr.Var("chunks_i", DType.I32);
    for (Access access : List.of(new Access(apply.src(), Exprs.add(apply.srcOffset(), i), List.of()),
        new Access(apply.dst(), Exprs.add(apply.dstOffset(), i), List.of()))) {
      if (written.contains(access.buffer()) && !ownRows(access, i, group)) {
        return null;
      }
    }
    Expr shift = Exprs.mul(CHUNK, Exprs.index((int) (rows * group)));
    return new Stmt.Apply(apply.function(), apply.src(), Exprs.add(apply.srcOffset(), shift), apply.dst(),
        Exprs.add(apply.dstOffset(), shift), (int) (rows * group));
  }

  /** A product whose rows are the batch's: over the chunk's rows, B being something the loop does not write. */
  private Stmt gemm(Stmt.Gemm gemm) {
    if (gemm.transA() || gemm.m() != batch || written.contains(gemm.b()) || gemm.rows() != null) {
      return null;
    }
    Expr.Var row = new Expr.Var("chunks_row", DType.I32);
    Expr.Var column = new Expr.Var("chunks_column", DType.I32);
    List<Range> k = List.of(new Range(column, gemm.k()));
    List<Range> n = List.of(new Range(column, gemm.n()));
    Access a = new Access(gemm.a(), Exprs.add(gemm.aOffset(), Exprs.add(Exprs.mul(row, Exprs.index(gemm.lda())), column)), k);
    Access c = new Access(gemm.c(), Exprs.add(gemm.cOffset(), Exprs.add(Exprs.mul(row, Exprs.index(gemm.ldc())), column)), n);
    for (Access access : List.of(a, c)) {
      if (written.contains(access.buffer()) && !ownRows(access, row, 1)) {
        return null;
      }
    }
    return new Stmt.Gemm(false, gemm.transB(), rows, gemm.n(), gemm.k(),
        gemm.a(), Exprs.add(gemm.aOffset(), Exprs.mul(CHUNK, Exprs.index(rows * gemm.lda()))), gemm.lda(),
        gemm.b(), gemm.bOffset(), gemm.ldb(),
        gemm.c(), Exprs.add(gemm.cOffset(), Exprs.mul(CHUNK, Exprs.index(rows * gemm.ldc()))), gemm.ldc(), gemm.constantB(),
        null, 0);
  }

  /** An inner loop's index and extent. */
  private record Range(Expr.Var index, long extent) {}

  /** An element read or written at {@code index}, inside the inner loops {@code within}. */
  private record Access(Buffer buffer, Expr index, List<Range> within) {}

  /** The accesses of a nest's body, with the loops around each; false for what a nest must not hold. */
  private static boolean accesses(List<Stmt> body, List<Access> into, List<Range> within) {
    for (Stmt statement : body) {
      if (statement instanceof Stmt.Loop loop) {
        within.add(new Range(loop.index(), loop.extent()));
        boolean ok = accesses(loop.body(), into, within);
        within.remove(within.size() - 1);
        if (!ok) {
          return false;
        }
      } else if (statement instanceof Stmt.Store store) {
        into.add(new Access(store.buffer(), store.index(), List.copyOf(within)));
        loads(store.index(), into, within);
        loads(store.value(), into, within);
      } else if (statement instanceof Stmt.Declare || statement instanceof Stmt.Assign) {
        Statements.forEachExpr(statement, e -> loads(e, into, within));
      } else if (statement instanceof Stmt.Apply apply) {
        Expr.Var i = new Expr.Var("chunks_i" + within.size(), DType.I32);
        List<Range> inner = new ArrayList<>(within);
        inner.add(new Range(i, apply.n()));
        into.add(new Access(apply.src(), Exprs.add(apply.srcOffset(), i), inner));
        into.add(new Access(apply.dst(), Exprs.add(apply.dstOffset(), i), inner));
        loads(apply.srcOffset(), into, within);
        loads(apply.dstOffset(), into, within);
      } else {
        return false; // a product, a call or a part loop inside a nest
      }
    }
    return true;
  }

  private static void loads(Expr e, List<Access> into, List<Range> within) {
    Statements.forEachSubexpression(e, sub -> {
      if (sub instanceof Expr.Load load) {
        into.add(new Access(load.buffer(), load.index(), List.copyOf(within)));
      }
    });
  }

  /**
   * Whether iteration {@code v} of a nest of {@code batch x group} iterations touches, through
   * {@code access}, row {@code v / group} of its buffer alone: the index is {@code v X / group} plus
   * what the inner loops add (less than {@code X / group}) plus whole slabs of {@code batch x X} (one a
   * step in a stacked result), {@code X} being the buffer's row, the same in every access.
   */
  private boolean ownRows(Access access, Expr.Var v, long group) {
    Map<Expr.Var, Long> terms = new HashMap<>();
    Long constant = linear(access.index(), 1, terms);
    if (constant == null) {
      return false;
    }
    long stride = terms.getOrDefault(v, 0L);
    if (stride <= 0) {
      return false;
    }
    long row = stride * group;
    Long known = rowSizes.putIfAbsent(access.buffer(), row);
    if (known != null && known != row) {
      return false;
    }
    long slab = batch * row;
    long low = Math.floorMod(constant, slab);
    long high = low;
    for (Map.Entry<Expr.Var, Long> term : terms.entrySet()) {
      Expr.Var variable = term.getKey();
      long coefficient = term.getValue();
      if (variable.equals(v) || coefficient == 0) {
        continue;
      }
      Range range = access.within().stream().filter(r -> r.index().equals(variable)).findFirst().orElse(null);
      if (range != null) {
        low += Math.min(0, coefficient * (range.extent() - 1));
        high += Math.max(0, coefficient * (range.extent() - 1));
      } else if (!variable.equals(step) || coefficient % slab != 0) {
        return false; // a variable the index moves with other than by whole slabs
      }
    }
    return low >= 0 && high < stride;
  }

  /** {@code scale * e} as a constant plus {@code terms}, variables by coefficient; null when not a sum of multiples of variables. */
  private static Long linear(Expr e, long scale, Map<Expr.Var, Long> terms) {
    if (e instanceof Expr.Const c) {
      return scale * (long) c.value();
    }
    if (e instanceof Expr.Var v) {
      terms.merge(v, scale, Long::sum);
      return 0L;
    }
    if (e instanceof Expr.Binary b && b.dtype() == DType.I32) {
      if (b.op() == ScalarOp.ADD || b.op() == ScalarOp.SUB) {
        Long left = linear(b.left(), scale, terms);
        Long right = linear(b.right(), b.op() == ScalarOp.ADD ? scale : -scale, terms);
        return left == null || right == null ? null : left + right;
      }
      if (b.op() == ScalarOp.MUL && b.right() instanceof Expr.Const c) {
        return linear(b.left(), scale * (long) c.value(), terms);
      }
      if (b.op() == ScalarOp.MUL && b.left() instanceof Expr.Const c) {
        return linear(b.right(), scale * (long) c.value(), terms);
      }
    }
    return null;
  }

  private static Stmt substitute(Stmt statement, Expr.Var variable, Expr value) {
    return Statements.map(statement, e -> Statements.substitute(e, variable, value));
  }
}
