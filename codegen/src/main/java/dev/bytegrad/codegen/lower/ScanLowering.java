package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.GraphPrinter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Topology;
import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.op.Literal;
import dev.bytegrad.graph.op.Scan;
import dev.bytegrad.graph.op.ScanBody;
import dev.bytegrad.graph.rewrite.Rewriter;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a scan to a real loop: one kernel that copies the initial carries into carry buffers, then for
 * each step copies the step's sequence slices in, calls the kernels of the body (methods of their own,
 * built like any function's kernels from the simplified body), and copies the new carries back and the
 * step's outputs into the stacked results. The generated code grows with the body, not with the
 * sequence length.
 *
 * <p>All siblings of the scan (its final carries, stacked outputs and carry histories) are written by
 * this one loop; outputs nobody reads are not computed. The body's buffers live in the arena for the
 * whole loop, since the loop kernel lists them all among what it touches.
 */
final class ScanLowering {
  /** The index of a scan's loop over steps. */
  static final Expr.Var STEP = new Expr.Var("step", DType.I32);

  private final Lowering lowering;
  private final KernelBuilder builder;
  private final Map<Node, Buffer> buffers;

  ScanLowering(Lowering lowering, KernelBuilder builder, Map<Node, Buffer> buffers) {
    this.lowering = lowering;
    this.builder = builder;
    this.buffers = buffers;
  }

  /** What identifies one loop among sibling scan nodes: body, length, direction and operands. */
  static List<Object> loopOf(Node node) {
    Scan scan = (Scan) node.op();
    return List.of(scan.body(), scan.length(), scan.reverse(), node.inputs());
  }

  /** The body simplified, with scalar literal constants folded in, and its operands found again by name. */
  private record Prepared(List<Node> results, List<Node> operands) {}

  private static Prepared prepare(ScanBody body, List<Node> constantOperands) {
    Graph graph = new Graph();
    Map<Node, Node> substitution = new HashMap<>();
    for (int l = 0; l < constantOperands.size(); l++) {
      Node outer = constantOperands.get(l);
      if (outer.op() instanceof Literal literal && outer.shape().rank() == 0) {
        substitution.put(body.constants().get(l), graph.constant(literal.value()));
      }
    }
    List<Node> copied = graph.inline(body.results(), substitution);
    List<Node> results = Rewriter.simplify(copied).outputs();
    Graph simplified = results.isEmpty() ? graph : results.get(0).graph();
    List<Node> operands = new ArrayList<>();
    for (Node operand : body.operands()) {
      String name = ((dev.bytegrad.graph.op.Input) operand.op()).name();
      operands.add(simplified.leaf(name).orElse(null));
    }
    return new Prepared(results, operands);
  }

  Kernel lower(Node node, String name, List<Node> scheduled) {
    Scan scan = (Scan) node.op();
    ScanBody body = scan.body();
    int m = body.carries().size();
    int n = body.sequences().size();
    int q = body.outputs().size();
    List<Node> operands = node.inputs();
    List<Object> loop = loopOf(node);
    Node[] siblings = new Node[2 * m + q];
    for (Node other : scheduled) {
      if (other.op() instanceof Scan s && loopOf(other).equals(loop)) {
        siblings[s.output()] = other;
      }
    }
    Prepared prepared = prepare(body, operands.subList(m + n, operands.size()));
    String prefix = lowering.loopName();

    // Buffers of the body's operands: carries and slices are the loop's own, constants the outer ones.
    Buffer[] carries = new Buffer[m];
    for (int j = 0; j < m; j++) {
      Node carry = body.carries().get(j);
      carries[j] = lowering.temporary(prefix + "_carry" + j, carry.dtype(), carry.shape().size());
      bindOperand(prepared.operands().get(j), carries[j]);
    }
    Buffer[] slices = new Buffer[n];
    for (int i = 0; i < n; i++) {
      Node slice = body.sequences().get(i);
      slices[i] = lowering.temporary(prefix + "_x" + i, slice.dtype(), slice.shape().size());
      bindOperand(prepared.operands().get(m + i), slices[i]);
    }
    for (int l = 0; l < body.constants().size(); l++) {
      Node inner = prepared.operands().get(m + n + l);
      Node outer = operands.get(m + n + l);
      if (inner != null && buffers.get(outer) != null) {
        buffers.put(inner, buffers.get(outer));
      }
    }

    // The results the loop must compute: every new carry, and the outputs someone reads.
    List<Node> results = prepared.results();
    Set<Node> live = new LinkedHashSet<>(results.subList(0, m));
    for (int i = 0; i < q; i++) {
      if (siblings[m + i] != null) {
        live.add(results.get(m + i));
      }
    }
    List<Node> order = Topology.reachable(new ArrayList<>(live));
    Set<Node> roots = new HashSet<>();
    live.stream().filter(r -> !(r.op() instanceof Leaf)).forEach(roots::add);
    Set<Node> materialized = Fusion.materialize(order, roots);
    lowering.bindConstantsOf(order, new ArrayList<>());
    Buffer[] newCarries = new Buffer[m];
    boolean[] copyNewCarry = new boolean[m];
    for (int j = 0; j < m; j++) {
      Node result = results.get(j);
      if (!(result.op() instanceof Leaf) && !buffers.containsKey(result)) {
        newCarries[j] = lowering.temporary(result);
      } else {
        newCarries[j] = lowering.temporary(prefix + "_next" + j, result.dtype(), result.shape().size());
        copyNewCarry[j] = true;
      }
    }
    for (Node inner : order) {
      if (materialized.contains(inner) && !buffers.containsKey(inner)) {
        lowering.temporary(inner);
      }
    }
    List<Kernel> step = new ArrayList<>();
    Set<List<Object>> built = new HashSet<>();
    List<Node> innerSchedule = order.stream().filter(materialized::contains).toList();
    for (Node inner : innerSchedule) {
      if (inner.op() instanceof Scan && !built.add(loopOf(inner))) {
        continue;
      }
      step.add(lowering.kernel(inner, "k" + step.size(), innerSchedule));
    }
    List<Kernel> merged = Lowering.optimized(step, lowering.vectorLoops());
    java.util.Set<Buffer> constants = new java.util.HashSet<>();
    for (int l = 0; l < body.constants().size(); l++) {
      Buffer buffer = buffers.get(operands.get(m + n + l));
      if (buffer != null) {
        constants.add(buffer);
      }
    }
    List<Kernel> calls = new ArrayList<>();
    for (Kernel kernel : merged) {
      calls.add(new Kernel(prefix + "_" + kernel.name(), kernel.comment(), constantProducts(kernel.body(), constants),
          kernel.reads(), kernel.writes()));
    }

    // The loop kernel itself.
    builder.begin();
    Set<Buffer> writes = new LinkedHashSet<>();
    List<Stmt> statements = new ArrayList<>();
    if (calls.stream().anyMatch(kernel -> hasConstantProduct(kernel.body()))) {
      statements.add(new Stmt.GemmEpoch());
    }
    for (int j = 0; j < m; j++) {
      statements.addAll(builder.copy(operands.get(j), List.of(), carries[j], Exprs.index(0), body.carries().get(j).shape()));
      writes.add(carries[j]);
    }
    Expr.Var stepIndex = STEP;
    Expr t = scan.reverse() ? new Expr.Binary(ScalarOp.SUB, Exprs.index(scan.length() - 1), stepIndex) : stepIndex;
    List<Stmt> each = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      Node history = siblings[m + q + j];
      if (history != null) {
        int size = carries[j].size();
        each.addAll(builder.copy(carries[j], Exprs.index(0), buffers.get(history), Exprs.mul(t, Exprs.index(size)), size));
        writes.add(buffers.get(history));
      }
    }
    for (int i = 0; i < n; i++) {
      if (prepared.operands().get(m + i) != null) {
        each.addAll(builder.copy(operands.get(m + i), List.of(t), slices[i], Exprs.index(0), body.sequences().get(i).shape()));
        writes.add(slices[i]);
      }
    }
    for (Kernel kernel : calls) {
      each.add(new Stmt.Call(kernel));
    }
    for (int j = 0; j < m; j++) {
      if (copyNewCarry[j]) {
        each.addAll(builder.copy(results.get(j), List.of(), newCarries[j], Exprs.index(0), results.get(j).shape()));
        writes.add(newCarries[j]);
      }
    }
    for (int i = 0; i < q; i++) {
      Node stacked = siblings[m + i];
      if (stacked != null) {
        Node result = results.get(m + i);
        int size = result.shape().size();
        each.addAll(builder.copy(result, List.of(), buffers.get(stacked), Exprs.mul(t, Exprs.index(size)), result.shape()));
        writes.add(buffers.get(stacked));
      }
    }
    for (int j = 0; j < m; j++) {
      each.addAll(builder.copy(newCarries[j], Exprs.index(0), carries[j], Exprs.index(0), carries[j].size()));
    }
    statements.add(new Stmt.Loop(stepIndex, scan.length(), each));
    for (int j = 0; j < m; j++) {
      Node last = siblings[j];
      if (last != null) {
        statements.addAll(builder.copy(carries[j], Exprs.index(0), buffers.get(last), Exprs.index(0), carries[j].size()));
        writes.add(buffers.get(last));
      }
    }
    Set<Buffer> reads = new LinkedHashSet<>(builder.reads());
    for (Kernel kernel : calls) {
      touched(kernel, reads);
    }
    StringBuilder comment = new StringBuilder("loop of ").append(scan.length()).append(" steps")
        .append(scan.reverse() ? ", last slice first" : "").append(", computing:");
    for (Node sibling : siblings) {
      if (sibling != null) {
        comment.append("\n  ").append(GraphPrinter.line(sibling));
      }
    }
    lowering.rowsOfScan(comment.toString(), batch(body, prepared.results().subList(m, m + q)));
    return IndexSimplifier.simplify(new Kernel(name, comment.toString(), statements, List.copyOf(reads), List.copyOf(writes)));
  }

  /**
   * The rows of the batch a scan carries, when every carry, step input and step output has them first
   * (an RNN's [batch, hidden] state, its [batch, vocabulary] step); 0 when they do not agree.
   */
  private static int batch(ScanBody body, List<Node> outputs) {
    List<Node> all = new ArrayList<>(body.carries());
    all.addAll(body.sequences());
    all.addAll(outputs);
    int rows = -1;
    for (Node node : all) {
      if (node.shape().rank() < 1 || rows >= 0 && node.shape().dim(0) != rows) {
        return 0;
      }
      rows = node.shape().dim(0);
    }
    return Math.max(rows, 0);
  }

  /** Marks the products whose B is one of the loop's constants: their packed B is kept from step to step. */
  private static List<Stmt> constantProducts(List<Stmt> body, Set<Buffer> constants) {
    List<Stmt> result = new ArrayList<>(body.size());
    for (Stmt statement : body) {
      if (statement instanceof Stmt.Gemm gemm && constants.contains(gemm.b()) && gemm.c().dtype() == DType.F32
          && gemm.rows() == null) {
        result.add(gemm.withConstantB());
      } else if (statement instanceof Stmt.Loop loop) {
        result.add(new Stmt.Loop(loop.index(), loop.extent(), constantProducts(loop.body(), constants), loop.vector()));
      } else {
        result.add(statement);
      }
    }
    return result;
  }

  private static boolean hasConstantProduct(List<Stmt> body) {
    for (Stmt statement : body) {
      if (statement instanceof Stmt.Gemm gemm && gemm.constantB()
          || statement instanceof Stmt.Loop loop && hasConstantProduct(loop.body())) {
        return true;
      }
    }
    return false;
  }

  private void bindOperand(Node inner, Buffer buffer) {
    if (inner != null) {
      buffers.put(inner, buffer);
    }
  }

  /** Every buffer a kernel and the kernels it calls touch. */
  private static void touched(Kernel kernel, Set<Buffer> into) {
    into.addAll(kernel.reads());
    into.addAll(kernel.writes());
    collect(kernel.body(), into);
  }

  private static void collect(List<Stmt> body, Set<Buffer> into) {
    for (Stmt statement : body) {
      if (statement instanceof Stmt.Loop loop) {
        collect(loop.body(), into);
      } else if (statement instanceof Stmt.Call call) {
        touched(call.kernel(), into);
      }
    }
  }
}
