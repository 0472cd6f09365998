package dev.bytegrad.codegen.loop;

import java.util.List;

/**
 * One kernel: the statements that compute one or more materialized graph nodes (and the nodes fused
 * into them).
 *
 * @param name a Java identifier for the method the emitters generate
 * @param comment the graph nodes it computes, in the graph's text form
 * @param reads the buffers it reads
 * @param writes the buffers it writes
 * @param parameters the int arguments its method takes, which {@link Stmt.Call}s pass (a scan's chunk of
 *     rows, see {@code dev.bytegrad.codegen.lower.ScanChunks}); none for kernels {@code run} calls
 */
public record Kernel(String name, String comment, List<Stmt> body, List<Buffer> reads, List<Buffer> writes,
    List<Expr.Var> parameters) {
  public Kernel {
    body = List.copyOf(body);
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
    parameters = List.copyOf(parameters);
  }

  /** A kernel without parameters. */
  public Kernel(String name, String comment, List<Stmt> body, List<Buffer> reads, List<Buffer> writes) {
    this(name, comment, body, reads, writes, List.of());
  }
}
