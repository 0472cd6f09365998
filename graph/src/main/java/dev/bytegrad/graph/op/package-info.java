/**
 * The primitives: the small set of operations every graph is built from. Each primitive is one record
 * holding its math — shape and dtype rule ({@code infer}), reverse-mode rule ({@code vjp}, written with
 * the DSL so it reads like the formula) and reference evaluation ({@code evaluate}).
 *
 * <p>Depends on {@code dev.bytegrad.graph} (for {@code Node}, the DSL the rules are written in) and the
 * runtime. Everything else — softmax, losses, layers — is a composite of these.
 */
package dev.bytegrad.graph.op;
