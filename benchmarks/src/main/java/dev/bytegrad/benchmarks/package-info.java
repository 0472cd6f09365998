/**
 * JMH benchmarks, one class per question, with figures as ratios measured in the same run.
 *
 * <p>May depend on every bytegrad module and on the peers it compares against.
 */
package dev.bytegrad.benchmarks;
