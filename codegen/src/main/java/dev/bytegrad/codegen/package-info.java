/**
 * Code generation: lowering graphs to the loop IR, the static memory plan, and the two mirrored
 * emitters (ASM bytecode loaded as a hidden class, JavaPoet source).
 *
 * <p>May depend on the graph and runtime modules, ASM and JavaPoet. Generated code depends on the
 * runtime alone.
 */
package dev.bytegrad.codegen;
