package dev.bytegrad.codegen.loop;

import java.util.List;

/** A statement of the loop IR. */
public sealed interface Stmt {
  /**
   * {@code for (index = 0; index < extent; index++) body}. A {@code vector} loop's body is stores of f32
   * elements that the emitters compute a vector of elements at a time, on the Vector API, and the last
   * few one at a time: same bits (see {@code dev.bytegrad.codegen.lower.Vectorization}).
   */
  record Loop(Expr.Var index, int extent, List<Stmt> body, boolean vector) implements Stmt {
    public Loop {
      body = List.copyOf(body);
    }

    public Loop(Expr.Var index, int extent, List<Stmt> body) {
      this(index, extent, body, false);
    }
  }

  /**
   * The outer loop of a kernel split over threads: {@code index} runs over this part's share of
   * {@code [0, extent)}, the part and the number of parts being the kernel method's arguments. A kernel
   * whose body is one such loop is run by {@code dev.bytegrad.runtime.Parallel}. A {@code vector} part
   * loop's share is computed as a vector {@link Loop} is. A loop over {@code chunks} has few iterations,
   * each a large piece of work (a whole scan over some rows of its batch): it is split into as many
   * parts as there are threads, up to its extent, however few elements it stores.
   */
  record PartLoop(Expr.Var index, int extent, List<Stmt> body, boolean vector, boolean chunks) implements Stmt {
    public PartLoop {
      body = List.copyOf(body);
    }

    public PartLoop(Expr.Var index, int extent, List<Stmt> body, boolean vector) {
      this(index, extent, body, vector, false);
    }

    public PartLoop(Expr.Var index, int extent, List<Stmt> body) {
      this(index, extent, body, false, false);
    }

    /** The elements of the whole nest: this extent times those of the perfect nest inside. */
    public long elements() {
      long elements = extent;
      List<Stmt> inner = body;
      while (inner.size() == 1 && inner.get(0) instanceof Loop loop) {
        elements *= loop.extent();
        inner = loop.body();
      }
      return elements;
    }
  }

  /** {@code buffer[index] = value}. */
  record Store(Buffer buffer, Expr index, Expr value) implements Stmt {}

  /** Declares the local {@code local} with its initial value. */
  record Declare(Expr.Var local, Expr init) implements Stmt {}

  /** {@code local = value}. */
  record Assign(Expr.Var local, Expr value) implements Stmt {}

  /**
   * Runs {@code kernel}, a kernel of its own method, passing {@code arguments} for its parameters: the
   * body of a loop over steps (a scan) calls the kernels of one step this way. Called kernels are emitted
   * once, after the kernels of the program.
   */
  record Call(Kernel kernel, List<Expr> arguments) implements Stmt {
    public Call {
      arguments = List.copyOf(arguments);
      if (arguments.size() != kernel.parameters().size()) {
        throw new IllegalArgumentException(kernel.name() + " takes " + kernel.parameters().size() + " arguments, not "
            + arguments.size());
      }
    }

    public Call(Kernel kernel) {
      this(kernel, List.of());
    }
  }

  /**
   * {@code c[cOffset..] = op(a) op(b)} by the runtime's GEMM for the buffers' dtype (see
   * {@code dev.bytegrad.runtime.Gemm} for the meaning of each argument). When {@code rows} is not null,
   * B is made of rows of the table {@code b}, {@code rowLength} floats each, picked by the ints of
   * {@code rows} from its start ({@code Gemm.sgemmGathered}; {@code bOffset} is the table's): a gather
   * read by the product rather than written out.
   */
  record Gemm(boolean transA, boolean transB, int m, int n, int k,
      Buffer a, Expr aOffset, int lda, Buffer b, Expr bOffset, int ldb,
      Buffer c, Expr cOffset, int ldc, boolean constantB, Buffer rows, int rowLength) implements Stmt {
    /** A product whose B may change from call to call. */
    public Gemm(boolean transA, boolean transB, int m, int n, int k, Buffer a, Expr aOffset, int lda, Buffer b, Expr bOffset, int ldb,
        Buffer c, Expr cOffset, int ldc) {
      this(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, false, null, 0);
    }

    /** The same product, its B marked constant within the current loop ({@code Gemm.sgemmConstantB}). */
    public Gemm withConstantB() {
      if (rows != null) {
        throw new IllegalStateException("a product of gathered rows has no constant B to keep");
      }
      return new Gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, true, rows, rowLength);
    }

    /** The same product, with its three offsets replaced. */
    public Gemm withOffsets(Expr aOffset, Expr bOffset, Expr cOffset) {
      return new Gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, constantB, rows, rowLength);
    }
  }

  /**
   * {@code dst[dstOffset + i] = function(src[srcOffset + i])} for {@code i < n}, by the runtime's
   * vectorized array functions ({@code dev.bytegrad.runtime.Vectors}): {@code exp}, {@code tanh} or
   * {@code sigmoid} over many f32 elements at once; or, for {@code accumulate}, {@code dst[dstOffset + i]
   * += src[srcOffset + i]} (the two runs apart); or, for {@code copy}, {@code dst[dstOffset + i] =
   * src[srcOffset + i]}.
   */
  record Apply(String function, Buffer src, Expr srcOffset, Buffer dst, Expr dstOffset, int n) implements Stmt {}

  /**
   * Starts a new epoch of the GEMM's kept operands ({@code Gemm.newEpoch()}): a loop's constants may have
   * changed since its last run, so products marked {@code constantB} pack them afresh once.
   */
  record GemmEpoch() implements Stmt {}
}
