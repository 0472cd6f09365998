package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.graph.GraphPrinter;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Concat;
import dev.bytegrad.graph.op.Gather;
import dev.bytegrad.graph.op.Literal;
import dev.bytegrad.graph.op.MatMul;
import dev.bytegrad.graph.op.ReduceMax;
import dev.bytegrad.graph.op.ScatterAdd;
import dev.bytegrad.graph.op.Sum;
import dev.bytegrad.runtime.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Builds the kernel of one materialized node: a loop nest over its elements (or over its operand's,
 * for a reduction), a GEMM call for a matmul, and the loops of gather, scatter-add and concat. Operands
 * without a buffer are fused: {@link #valueAt} computes them in place with {@link IndexRules}.
 */
final class KernelBuilder {
  private final Map<Node, Buffer> buffers;
  private final IndexRules rules = new IndexRules(this);
  private Set<Buffer> reads;
  private Set<Node> loaded;
  private Set<Node> fused;
  private int nextVariable;

  KernelBuilder(Map<Node, Buffer> buffers) {
    this.buffers = buffers;
  }

  Kernel build(Node node, String name) {
    reads = new LinkedHashSet<>();
    loaded = new LinkedHashSet<>();
    fused = new LinkedHashSet<>();
    nextVariable = 0;
    List<Stmt> body;
    if (node.op() instanceof Sum sum) {
      body = reduction(node, sum.axes(), ScalarOp.ADD, 0);
    } else if (node.op() instanceof ReduceMax max) {
      body = reduction(node, max.axes(), ScalarOp.MAX, Double.NEGATIVE_INFINITY);
    } else if (node.op() instanceof MatMul) {
      body = matmul(node);
    } else if (node.op() instanceof Gather) {
      body = gather(node);
    } else if (node.op() instanceof ScatterAdd) {
      body = scatterAdd(node);
    } else if (node.op() instanceof Concat concat) {
      body = concat(node, concat.axis());
    } else if (Fusion.appliedByRows(node) && buffers.get(node.input(0)) == null && buffers.get(node.input(0).input(0)) != null) {
      body = rowsApplied(node, Fusion.arrayFunction(node));
    } else if (Fusion.arrayFunction(node) != null && buffers.get(node.input(0)) != null) {
      Buffer source = buffers.get(node.input(0));
      reads.add(source);
      loaded.add(node.input(0));
      body = List.of(new Stmt.Apply(Fusion.arrayFunction(node), source, Exprs.index(0), buffers.get(node), Exprs.index(0),
          node.shape().size()));
    } else {
      Buffer out = buffers.get(node);
      body = nest(node.shape(), index -> List.of(new Stmt.Store(out, Exprs.ravel(index, node.shape()), rules.compute(node, index))));
    }
    String comment = GraphPrinter.line(node) + fused.stream().map(n -> "\n  fused: " + GraphPrinter.line(n)).collect(Collectors.joining());
    return new Kernel(name, comment, body, List.copyOf(reads), List.of(buffers.get(node)));
  }

  /**
   * {@code function} of a slice of whole rows, applied a row at a time where the rows lie in the sliced
   * array: no copy of the slice first.
   */
  private List<Stmt> rowsApplied(Node node, String function) {
    Node slice = node.input(0);
    Node operand = slice.input(0);
    Buffer source = buffers.get(operand);
    reads.add(source);
    loaded.add(operand);
    fused.add(slice);
    int columns = node.shape().dim(node.shape().rank() - 1);
    int rowLength = operand.shape().dim(operand.shape().rank() - 1);
    int start = ((dev.bytegrad.graph.op.Slice) slice.op()).start().get(node.shape().rank() - 1);
    Expr.Var row = new Expr.Var("i" + nextVariable++, dev.bytegrad.runtime.DType.I32);
    Stmt apply = new Stmt.Apply(function, source, Exprs.add(Exprs.mul(row, Exprs.index(rowLength)), Exprs.index(start)),
        buffers.get(node), Exprs.mul(row, Exprs.index(columns)), columns);
    return List.of(new Stmt.Loop(row, node.shape().size() / columns, List.of(apply)));
  }

  /** Starts a kernel assembled piece by piece ({@link #copy}), as a loop's kernel is. */
  void begin() {
    reads = new LinkedHashSet<>();
    loaded = new LinkedHashSet<>();
    fused = new LinkedHashSet<>();
    nextVariable = 0;
  }

  /** The buffers read since {@link #begin}. */
  Set<Buffer> reads() {
    return reads;
  }

  /**
   * Loops over {@code shape} storing {@code source} at {@code prefix} followed by the loop index (its
   * own value, fused or loaded) into {@code target} from {@code offset} on, row-major.
   */
  List<Stmt> copy(Node source, List<Expr> prefix, Buffer target, Expr offset, Shape shape) {
    return nest(shape, index -> {
      List<Expr> at = new ArrayList<>(prefix);
      at.addAll(index);
      return List.of(new Stmt.Store(target, Exprs.add(offset, Exprs.ravel(index, shape)), valueAt(source, at)));
    });
  }

  /** Loops over the {@code size} elements of {@code source}, copying them into {@code target} from {@code offset} on. */
  List<Stmt> copy(Buffer source, Expr sourceOffset, Buffer target, Expr targetOffset, int size) {
    if (size == 0) {
      return List.of();
    }
    reads.add(source);
    Expr.Var i = new Expr.Var("i" + nextVariable++, dev.bytegrad.runtime.DType.I32);
    return List.of(new Stmt.Loop(i, size, List.of(new Stmt.Store(target, Exprs.add(targetOffset, i),
        new Expr.Load(source, Exprs.add(sourceOffset, i))))));
  }

  /** The nodes whose buffers the last kernel built reads. */
  Set<Node> loaded() {
    return loaded;
  }

  /** The value of {@code node} at {@code index}: a load from its buffer, a constant, or its fused computation. */
  Expr valueAt(Node node, List<Expr> index) {
    Buffer buffer = buffers.get(node);
    if (buffer != null) {
      reads.add(buffer);
      loaded.add(node);
      return new Expr.Load(buffer, Exprs.ravel(index, node.shape()));
    }
    if (node.op() instanceof Literal literal) {
      return new Expr.Const(node.dtype(), literal.value().getDouble(0));
    }
    fused.add(node);
    return rules.compute(node, index);
  }

  /** Loops over every element of {@code shape} around the statements {@code body} makes from the index. */
  private List<Stmt> nest(Shape shape, java.util.function.Function<List<Expr>, List<Stmt>> body) {
    Expr[] index = new Expr[shape.rank()];
    List<Integer> axes = java.util.stream.IntStream.range(0, shape.rank()).boxed().toList();
    return nest(axes, 0, shape, index, () -> body.apply(Arrays.asList(index.clone())));
  }

  private List<Stmt> nest(List<Integer> axes, int position, Shape shape, Expr[] index, Supplier<List<Stmt>> body) {
    if (position == axes.size()) {
      return body.get();
    }
    int axis = axes.get(position);
    if (shape.dim(axis) == 1) {
      index[axis] = Exprs.index(0);
      return nest(axes, position + 1, shape, index, body);
    }
    Expr.Var variable = new Expr.Var("i" + nextVariable++, dev.bytegrad.runtime.DType.I32);
    index[axis] = variable;
    return List.of(new Stmt.Loop(variable, shape.dim(axis), nest(axes, position + 1, shape, index, body)));
  }

  private List<Stmt> reduction(Node node, List<Integer> axes, ScalarOp fold, double initial) {
    Node x = node.input(0);
    Shape shape = x.shape();
    Buffer out = buffers.get(node);
    Expr[] index = new Expr[shape.rank()];
    List<Integer> kept = java.util.stream.IntStream.range(0, shape.rank()).filter(a -> !axes.contains(a)).boxed().toList();
    Expr.Var accumulator = new Expr.Var("acc", node.dtype());
    return nest(kept, 0, shape, index, () -> {
      List<Expr> outIndex = new ArrayList<>();
      for (int axis = 0; axis < shape.rank(); axis++) {
        outIndex.add(axes.contains(axis) ? Exprs.index(0) : index[axis]);
      }
      Shape keptShape = keptShape(shape, axes);
      List<Stmt> statements = new ArrayList<>();
      statements.add(new Stmt.Declare(accumulator, new Expr.Const(node.dtype(), initial)));
      statements.addAll(nest(axes, 0, shape, index, () -> List.of(new Stmt.Assign(accumulator,
          new Expr.Binary(fold, accumulator, valueAt(x, Arrays.asList(index.clone())))))));
      statements.add(new Stmt.Store(out, Exprs.ravel(outIndex, keptShape), accumulator));
      return statements;
    });
  }

  private static Shape keptShape(Shape shape, List<Integer> axes) {
    int[] dims = shape.dims();
    axes.forEach(axis -> dims[axis] = 1);
    return Shape.of(dims);
  }

  private List<Stmt> matmul(Node node) {
    MatrixOperand a = MatrixOperand.resolve(node.input(0));
    MatrixOperand b = MatrixOperand.resolve(node.input(1));
    Buffer bufferA = stored(a);
    Buffer c = buffers.get(node);
    int m = node.shape().dim(-2);
    int n = node.shape().dim(-1);
    int k = node.input(0).shape().dim(-1);
    int batches = m * n == 0 ? 0 : node.shape().size() / (m * n);
    if (batches == 0) {
      return List.of();
    }
    if (!buffers.containsKey(b.stored()) && b.gatheredRows()) {
      // a gather that Fusion left to the product: B read from the table, through the indices
      Node table = b.stored().input(0);
      Node indices = b.stored().input(1);
      Buffer tableBuffer = buffers.get(table);
      Buffer rows = buffers.get(indices);
      if (batches != 1 || tableBuffer == null || rows == null) {
        throw new IllegalStateException("gathered matmul operand " + b.stored() + " has no table or indices to read");
      }
      reads.add(tableBuffer);
      reads.add(rows);
      loaded.add(table);
      loaded.add(indices);
      return List.of(new Stmt.Gemm(a.transposed(), b.transposed(), m, n, k, bufferA, Exprs.index(0), a.transposed() ? m : k,
          tableBuffer, Exprs.index(0), b.transposed() ? k : n, c, Exprs.index(0), n, false, rows, table.shape().dim(1)));
    }
    Buffer bufferB = stored(b);
    Expr.Var batch = new Expr.Var("batch", dev.bytegrad.runtime.DType.I32);
    Expr at = batches == 1 ? Exprs.index(0) : batch;
    Stmt gemm = new Stmt.Gemm(a.transposed(), b.transposed(), m, n, k,
        bufferA, Exprs.mul(at, Exprs.index(a.batchBroadcast() ? 0 : m * k)), a.transposed() ? m : k,
        bufferB, Exprs.mul(at, Exprs.index(b.batchBroadcast() ? 0 : k * n)), b.transposed() ? k : n,
        c, Exprs.mul(at, Exprs.index(m * n)), n);
    return batches == 1 ? List.of(gemm) : List.of(new Stmt.Loop(batch, batches, List.of(gemm)));
  }

  private Buffer stored(MatrixOperand operand) {
    Buffer buffer = buffers.get(operand.stored());
    if (buffer == null) {
      throw new IllegalStateException("matmul operand " + operand.stored() + " has no buffer");
    }
    reads.add(buffer);
    loaded.add(operand.stored());
    return buffer;
  }

  private List<Stmt> gather(Node node) {
    Node table = node.input(0);
    Node indices = node.input(1);
    int indexRank = indices.shape().rank();
    Buffer out = buffers.get(node);
    return nest(node.shape(), index -> {
      List<Expr> tableIndex = new ArrayList<>();
      tableIndex.add(valueAt(indices, index.subList(0, indexRank)));
      tableIndex.addAll(index.subList(indexRank, index.size()));
      return List.of(new Stmt.Store(out, Exprs.ravel(index, node.shape()), valueAt(table, tableIndex)));
    });
  }

  private List<Stmt> scatterAdd(Node node) {
    Node indices = node.input(0);
    Node updates = node.input(1);
    int indexRank = indices.shape().rank();
    Buffer out = buffers.get(node);
    reads.add(out);
    List<Stmt> statements = new ArrayList<>(nest(node.shape(), index ->
        List.of(new Stmt.Store(out, Exprs.ravel(index, node.shape()), new Expr.Const(node.dtype(), 0)))));
    statements.addAll(nest(updates.shape(), index -> {
      List<Expr> outIndex = new ArrayList<>();
      outIndex.add(valueAt(indices, index.subList(0, indexRank)));
      outIndex.addAll(index.subList(indexRank, index.size()));
      Expr flat = Exprs.ravel(outIndex, node.shape());
      return List.of(new Stmt.Store(out, flat,
          new Expr.Binary(ScalarOp.ADD, new Expr.Load(out, flat), valueAt(updates, index))));
    }));
    return statements;
  }

  private List<Stmt> concat(Node node, int axis) {
    Buffer out = buffers.get(node);
    List<Stmt> statements = new ArrayList<>();
    int offset = 0;
    for (Node part : node.inputs()) {
      int start = offset;
      statements.addAll(nest(part.shape(), index -> {
        List<Expr> outIndex = new ArrayList<>(index);
        outIndex.set(axis, Exprs.add(index.get(axis), Exprs.index(start)));
        return List.of(new Stmt.Store(out, Exprs.ravel(outIndex, node.shape()), valueAt(part, index)));
      }));
      offset += part.shape().dim(axis);
    }
    return statements;
  }
}
