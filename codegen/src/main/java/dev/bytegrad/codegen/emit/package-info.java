/**
 * The two emitters of the loop IR — ASM bytecode loaded as a hidden class, and JavaPoet source compiled
 * with {@code javax.tools} — which mirror each other method for method (same names, same order), so the
 * readable Java documents the bytecode. Both render a program as one class implementing the runtime's
 * {@code CompiledFunction}: a constructor binding parameters, {@code run}, and one method per kernel.
 *
 * <p>Depends on the loop IR, the runtime, ASM and JavaPoet.
 */
package dev.bytegrad.codegen.emit;
