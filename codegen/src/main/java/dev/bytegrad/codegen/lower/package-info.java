/**
 * Lowering: from a graph function to a scheduled loop-IR program. Decides which nodes get a buffer
 * (fusing elementwise chains, reshapes, broadcasts and transposes into the loops that consume them),
 * builds a kernel per buffer, schedules optimizer updates in place, and plans the arena.
 *
 * <p>Depends on the graph, the loop IR and the runtime.
 */
package dev.bytegrad.codegen.lower;
