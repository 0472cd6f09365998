package dev.bytegrad.cli.unsupervised;

import dev.bytegrad.runtime.Shape;
import dev.bytegrad.runtime.Tensor;
import dev.bytegrad.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * PCA, PCA whitening and ZCA whitening, fitted on examples (rows) and applied as a transform. The
 * covariance's eigendecomposition is EJML's symmetric one. With {@code U} the eigenvectors by decreasing
 * eigenvalue {@code λ}, and {@code k} the fewest components keeping the asked share of the variance:
 * <ul>
 *   <li>{@link Kind#PCA}: {@code (x − μ) U_k}, the k leading components;
 *   <li>{@link Kind#PCA_WHITE}: each of those divided by {@code sqrt(λ + ε)}, so they are uncorrelated with
 *       unit variance (for λ ≫ ε);
 *   <li>{@link Kind#ZCA}: the whitened components rotated back, {@code (x − μ) U diag(1/sqrt(λ + ε)) Uᵀ},
 *       over all components: white data that still looks like the input.
 * </ul>
 * ε regularizes small eigenvalues, which would otherwise amplify noise.
 */
public record Whitening(Kind kind, double[] mean, DMatrixRMaj basis, double[] eigenvalues, int components, double epsilon) {
  /** What the transform gives. */
  public enum Kind {
    PCA("none"), PCA_WHITE("pca"), ZCA("zca");

    private final String flag;

    Kind(String flag) {
      this.flag = flag;
    }

    /** The kind {@code --whiten} names: {@code none}, {@code pca} or {@code zca}. */
    public static Kind named(String name) {
      for (Kind kind : values()) {
        if (kind.flag.equals(name)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown whitening '" + name + "'; choose none, pca or zca");
    }

    public String flag() {
      return flag;
    }
  }

  /** Fits the transform to {@code x [m, n]} (rows are examples), keeping {@code retain} of the variance. */
  public static Whitening fit(Tensor x, double retain, Kind kind, double epsilon) {
    if (x.shape().rank() != 2 || x.shape().dim(0) < 2) {
      throw new IllegalArgumentException("PCA needs at least 2 examples as rows [m, n], got " + x.shape());
    }
    if (!(retain > 0 && retain <= 1) || !(epsilon >= 0)) {
      throw new IllegalArgumentException("the retained variance must be in (0, 1] and epsilon not negative; got " + retain + ", " + epsilon);
    }
    int m = x.shape().dim(0);
    int n = x.shape().dim(1);
    double[] values = x.toDoubleArray();
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("the data hold a NaN or an infinity; PCA needs finite values");
      }
    }
    double[] mean = new double[n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        mean[j] += values[i * n + j] / m;
      }
    }
    DMatrixRMaj centered = new DMatrixRMaj(m, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        centered.set(i, j, values[i * n + j] - mean[j]);
      }
    }
    DMatrixRMaj covariance = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransA(centered, centered, covariance);
    CommonOps_DDRM.scale(1.0 / m, covariance);
    EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(n, true, true);
    if (!eigen.decompose(covariance)) {
      throw new IllegalStateException("the eigendecomposition of the " + n + "x" + n + " covariance did not converge");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(eigen.getEigenvalue(b).real, eigen.getEigenvalue(a).real));
    DMatrixRMaj basis = new DMatrixRMaj(n, n);
    double[] eigenvalues = new double[n];
    double total = 0;
    for (int c = 0; c < n; c++) {
      eigenvalues[c] = Math.max(0, eigen.getEigenvalue(order[c]).real);
      total += eigenvalues[c];
      DMatrixRMaj vector = eigen.getEigenVector(order[c]);
      for (int r = 0; r < n; r++) {
        basis.set(r, c, vector.get(r, 0));
      }
    }
    int k = n;
    double kept = 0;
    for (int c = 0; c < n; c++) {
      kept += eigenvalues[c];
      if (total == 0 || kept >= retain * total - 1e-12 * total) {
        k = c + 1;
        break;
      }
    }
    return new Whitening(kind, mean, basis, eigenvalues, kind == Kind.ZCA ? n : k, epsilon);
  }

  /** The number of values per example after the transform. */
  public int outputs() {
    return kind == Kind.ZCA ? mean.length : components;
  }

  /** The share of the variance the kept components hold. */
  public double retainedVariance() {
    double total = Arrays.stream(eigenvalues).sum();
    return total == 0 ? 1 : Arrays.stream(eigenvalues, 0, components).sum() / total;
  }

  /** The transform as one matrix {@code T [n, outputs]}: {@code apply(x) = (x − μ) T}. */
  public DMatrixRMaj matrix() {
    int n = mean.length;
    DMatrixRMaj scaled = new DMatrixRMaj(n, components);
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < components; c++) {
        double scale = kind == Kind.PCA ? 1 : 1 / Math.sqrt(eigenvalues[c] + epsilon);
        scaled.set(r, c, basis.get(r, c) * scale);
      }
    }
    if (kind != Kind.ZCA) {
      return scaled;
    }
    DMatrixRMaj zca = new DMatrixRMaj(n, n);
    DMatrixRMaj leading = CommonOps_DDRM.extract(basis, 0, n, 0, components);
    CommonOps_DDRM.multTransB(scaled, leading, zca);
    return zca;
  }

  /** The transformed examples, {@code [m, outputs]}, in f32. */
  public Tensor apply(Tensor x) {
    int m = x.shape().dim(0);
    int n = mean.length;
    if (x.shape().rank() != 2 || x.shape().dim(1) != n) {
      throw new IllegalArgumentException("the transform was fitted to " + n + " values per example, not " + x.shape());
    }
    double[] values = x.toDoubleArray();
    DMatrixRMaj centered = new DMatrixRMaj(m, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        centered.set(i, j, values[i * n + j] - mean[j]);
      }
    }
    DMatrixRMaj result = new DMatrixRMaj(m, outputs());
    CommonOps_DDRM.mult(centered, matrix(), result);
    float[] out = new float[m * outputs()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) result.data[i];
    }
    return Tensor.ofFloats(Shape.of(m, outputs()), out);
  }

  /** The covariance {@code [d, d]} of examples {@code x [m, d]}: what whitening makes the identity. */
  public static double[][] covariance(Tensor x) {
    int m = x.shape().dim(0);
    int d = x.shape().dim(1);
    double[] v = x.toDoubleArray();
    double[] mu = new double[d];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < d; j++) {
        mu[j] += v[i * d + j] / m;
      }
    }
    double[][] c = new double[d][d];
    for (int i = 0; i < m; i++) {
      for (int a = 0; a < d; a++) {
        double da = v[i * d + a] - mu[a];
        for (int b = 0; b < d; b++) {
          c[a][b] += da * (v[i * d + b] - mu[b]) / m;
        }
      }
    }
    return c;
  }

  /** Writes the transform (mean, matrix, eigenvalues) as safetensors with its settings as metadata. */
  public void save(Path file) throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("mean", Tensor.ofDoubles(Shape.of(mean.length), mean.clone()));
    DMatrixRMaj t = matrix();
    tensors.put("transform", Tensor.ofDoubles(Shape.of(t.numRows, t.numCols), t.data.clone()));
    tensors.put("eigenvalues", Tensor.ofDoubles(Shape.of(eigenvalues.length), eigenvalues.clone()));
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("whiten", kind.flag());
    metadata.put("components", Integer.toString(components));
    metadata.put("epsilon", Double.toString(epsilon));
    metadata.put("retained_variance", String.format(Locale.ROOT, "%.6f", retainedVariance()));
    metadata.put("usage", "y = (x - mean) @ transform, x a row of " + mean.length + " values");
    SafeTensors.write(file, tensors, metadata);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d of %d components, %.4f of the variance, epsilon %g", kind.flag(), components,
        mean.length, retainedVariance(), epsilon);
  }
}
