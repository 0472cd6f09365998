/**
 * Files bytegrad reads and writes: checkpoints in the safetensors format, written atomically and read
 * with every size validated against the file before anything is allocated. Files are data: nothing here
 * deserializes Java objects or loads code.
 *
 * <p>Depends on the JDK only, like all of the runtime.
 */
package dev.bytegrad.runtime.io;
