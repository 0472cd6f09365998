/**
 * Lowering: from a graph function to a scheduled loop-IR program. Decides which nodes get a buffer
 * (fusing elementwise chains, reshapes, broadcasts and transposes into the loops that consume them),
 * builds a kernel per buffer, schedules optimizer updates in place, and plans the arena. Then, kernel by
 * kernel ({@code Lowering.optimized}): consecutive elementwise kernels merge into one pass
 * ({@code KernelMerging}); loops whose index is divided by a constant split in two ({@code LoopSplitting});
 * reductions whose outputs lie side by side fold in memory order ({@code ReductionOrder}); each nest's
 * innermost loop is chosen by how its accesses walk memory ({@code InnerLoop}); nests that walk their
 * buffers as one loop would become one loop ({@code LoopCollapse}); nests whose outer iterations store
 * disjoint elements run in parts on several threads ({@code Parallelism}); an innermost loop adding or
 * copying one run of elements to another becomes a call of the runtime's {@code Vectors.accumulate} or
 * {@code Vectors.copy} ({@code RunCalls}); the scalars a kernel's loops read at a constant index are
 * loaded once before them ({@code LoadHoisting}); last, lanewise loops become Vector API loops
 * ({@code Vectorization}), each nest of them a kernel of its own when a kernel has several. None of
 * these changes a single bit of the results.
 *
 * <p>Depends on the graph, the loop IR and the runtime.
 */
package dev.bytegrad.codegen.lower;
