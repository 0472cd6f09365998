/**
 * The runtime: dense tensors and their element types and shapes, the interfaces that compiled steps
 * implement, and the kernels that generated code calls.
 *
 * <p>Depends on the JDK alone, so that code generated ahead of time compiles and runs against this
 * module's jar and nothing else.
 */
package dev.bytegrad.runtime;
