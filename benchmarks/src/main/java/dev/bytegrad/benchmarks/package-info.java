/**
 * JMH benchmarks, one class per question, with figures read as ratios measured in the same run (the
 * machines are small and noisy): {@link dev.bytegrad.benchmarks.TrainingStepBenchmark} compares the
 * executions of one training step. Build with {@code ./mvnw -B -DskipTests package -pl benchmarks -am},
 * run with {@code java -jar benchmarks/target/benchmarks.jar}.
 *
 * <p>May depend on every bytegrad module and on the peers it compares against.
 */
package dev.bytegrad.benchmarks;
