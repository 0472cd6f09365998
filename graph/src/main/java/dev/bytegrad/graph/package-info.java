/**
 * The graph: immutable, interned {@link dev.bytegrad.graph.Node}s built through the fluent DSL, and the
 * transforms over them — reverse-mode autodiff, the reference interpreter, gradient checking, the text
 * form and its parser, and Graphviz export.
 *
 * <p>Depends on {@code dev.bytegrad.runtime} alone; primitives live in {@code dev.bytegrad.graph.op}.
 */
package dev.bytegrad.graph;
