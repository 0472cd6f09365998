/**
 * The rewrite engine: named rules, each with its identity, grouped into named phases (canonicalize,
 * simplify, fold constants, dead code) and applied to a fixed point with a bound on work. Rewrites never
 * change a graph: they build a new one.
 *
 * <p>Depends on {@code dev.bytegrad.graph} and the runtime.
 */
package dev.bytegrad.graph.rewrite;
