/**
 * Training as graph: optimizers expressed as update nodes (so a compiled step applies them in the same
 * generated method), the training graph that ties loss, gradients and updates together, and a step
 * that runs it on the reference interpreter.
 *
 * <p>Depends on {@code dev.bytegrad.graph} and the runtime.
 */
package dev.bytegrad.graph.train;
