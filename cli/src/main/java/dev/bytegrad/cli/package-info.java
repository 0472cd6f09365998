/**
 * The {@code bytegrad} command: picocli subcommands over the model zoo.
 *
 * <p>A leaf module: it may depend on every bytegrad module and on picocli; nothing depends on it but the
 * benchmarks.
 */
package dev.bytegrad.cli;
