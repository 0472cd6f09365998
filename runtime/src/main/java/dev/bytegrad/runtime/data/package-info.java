/**
 * Data sets in memory: reading delimited text files, splitting into train and test sets, standardizing
 * features, and minibatch iteration with a fresh seeded shuffle each epoch.
 *
 * <p>Depends on the JDK alone. Files are data: readers parse numbers and nothing else.
 */
package dev.bytegrad.runtime.data;
