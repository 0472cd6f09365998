/**
 * Neural-network building blocks as DSL composites: losses written in their numerically stable forms,
 * and layers that declare their parameters by name. Nothing here needs a derivative rule or lowering.
 *
 * <p>Depends on {@code dev.bytegrad.graph} and the runtime.
 */
package dev.bytegrad.graph.nn;
