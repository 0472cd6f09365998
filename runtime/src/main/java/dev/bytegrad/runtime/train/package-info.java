/**
 * What a training loop needs beside the compiled step and the data: learning-rate schedules and
 * full-batch L-BFGS over any function that gives a value and a gradient.
 *
 * <p>Depends on the JDK only, like all of the runtime.
 */
package dev.bytegrad.runtime.train;
