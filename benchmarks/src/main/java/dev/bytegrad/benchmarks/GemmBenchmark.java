package dev.bytegrad.benchmarks;

import dev.bytegrad.runtime.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast is the f32 GEMM, against what a Java user has without native code? One product
 * {@code C = op(A) B} at 1024³ and at the shapes of the MLP's step (forward 64×256×784, weight gradient
 * 784×256×64 with A transposed, input gradient 64×784×256 with B transposed) and of the softmax's
 * (256×10×784, and 784×10×256 with A transposed), on bytegrad's Vector API kernel ({@code vector}), its
 * scalar kernel ({@code scalar}), EJML 0.46.1's {@code CommonOps_FDRM.mult}/{@code multTransA}/{@code multTransB}
 * ({@code ejml}) and a plain i-k-j loop ({@code loop}); one thread. Packing is included, as the step pays it.
 * GFLOP/s = {@code 2 m n k / time}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar GemmBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector", "-Dbytegrad.threads=1"})
public class GemmBenchmark {
  /** {@code m x n x k}, then {@code A} or {@code B} when that operand is transposed. */
  @Param({"1024x1024x1024", "64x256x784", "784x256x64A", "64x784x256B", "256x10x784", "784x10x256A"})
  public String shape;

  @Param({"vector", "scalar", "ejml", "loop"})
  public String implementation;

  private int m;
  private int n;
  private int k;
  private boolean transA;
  private boolean transB;
  private float[] a;
  private float[] b;
  private float[] c;
  private FMatrixRMaj ma;
  private FMatrixRMaj mb;
  private FMatrixRMaj mc;

  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty("bytegrad.gemm", implementation.equals("scalar") ? "scalar" : "vector");
    if ((implementation.equals("vector") || implementation.equals("scalar")) && !Gemm.implementation().equals(implementation)) {
      throw new IllegalStateException("asked for the " + implementation + " GEMM, have " + Gemm.implementation());
    }
    String[] dims = shape.replaceAll("[AB]$", "").split("x");
    m = Integer.parseInt(dims[0]);
    n = Integer.parseInt(dims[1]);
    k = Integer.parseInt(dims[2]);
    transA = shape.endsWith("A");
    transB = shape.endsWith("B");
    SplittableRandom random = new SplittableRandom(1);
    a = new float[m * k];
    b = new float[k * n];
    c = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) random.nextGaussian();
    }
    ma = transA ? FMatrixRMaj.wrap(k, m, a) : FMatrixRMaj.wrap(m, k, a);
    mb = transB ? FMatrixRMaj.wrap(n, k, b) : FMatrixRMaj.wrap(k, n, b);
    mc = FMatrixRMaj.wrap(m, n, c);
  }

  @Benchmark
  public float[] product() {
    switch (implementation) {
      case "vector", "scalar" -> Gemm.sgemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, c, 0, n);
      case "ejml" -> {
        if (transA) {
          CommonOps_FDRM.multTransA(ma, mb, mc);
        } else if (transB) {
          CommonOps_FDRM.multTransB(ma, mb, mc);
        } else {
          CommonOps_FDRM.mult(ma, mb, mc);
        }
      }
      default -> loop();
    }
    return c;
  }

  /** The loop a Java programmer writes first: i, k, j, so that the innermost loop runs along rows of B and C. */
  private void loop() {
    java.util.Arrays.fill(c, 0f);
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        float x = transA ? a[p * m + i] : a[i * k + p];
        if (transB) {
          for (int j = 0; j < n; j++) {
            c[i * n + j] += x * b[j * k + p];
          }
        } else {
          for (int j = 0; j < n; j++) {
            c[i * n + j] += x * b[p * n + j];
          }
        }
      }
    }
  }
}
