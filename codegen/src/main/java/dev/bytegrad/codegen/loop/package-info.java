/**
 * The loop IR that graphs lower to and that both emitters render: kernels made of loop nests, stores
 * and local accumulators over scalar expressions, plus calls to the runtime's GEMM. The set of scalar
 * operations is fixed here, so a new primitive needs lowering, never a new emitter method.
 *
 * <p>Depends on the runtime's dtypes alone.
 */
package dev.bytegrad.codegen.loop;
