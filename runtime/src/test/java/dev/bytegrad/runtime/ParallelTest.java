package dev.bytegrad.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
  private final int threadsBefore = Gemm.threads();

  @AfterEach
  void restoreThreads() {
    Gemm.setThreads(threadsBefore);
  }

  @Test
  void runChunks_splitsFewLargeIterations_andAKernelRunFromAPartRunsAlone() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Gemm.implementation().equals("vector"), "the scalar GEMM has no workers");
    Gemm.setThreads(2);
    AtomicIntegerArray outerParts = new AtomicIntegerArray(4);
    AtomicIntegerArray innerParts = new AtomicIntegerArray(4);
    Parallel.Kernels kernels = new Parallel.Kernels() {
      @Override
      public void runPart(int kernel, int part, int parts) {
        if (kernel == 0) {
          outerParts.incrementAndGet(part);
          // a scan's step within its chunk: a kernel large enough to split, run from inside a part
          Parallel.run(this, 1, 1L << 30);
        } else {
          innerParts.incrementAndGet(parts);
        }
      }
    };
    Parallel.runChunks(kernels, 0, 2);
    assertThat(outerParts.toString()).as("two chunks, two parts").isEqualTo("[1, 1, 0, 0]");
    assertThat(innerParts.toString()).as("each inner kernel in one part").isEqualTo("[0, 2, 0, 0]");
    Parallel.run(kernels, 1, 1L << 30);
    assertThat(innerParts.get(2)).as("afterwards, split again: two parts of two").isEqualTo(2);
  }
}
