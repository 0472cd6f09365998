package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link Vectors} on the Vector API; loaded only when the JVM has {@code jdk.incubator.vector}. */
final class VectorFunctions implements Vectors.Functions {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private final Vectors.ScalarFunctions tail = new Vectors.ScalarFunctions();

  @Override
  public void exp(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = lanewise(VectorOperators.EXP, src, srcOffset, dst, dstOffset, n);
    tail.exp(src, srcOffset + bound, dst, dstOffset + bound, n - bound);
  }

  @Override
  public void tanh(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = lanewise(VectorOperators.TANH, src, srcOffset, dst, dstOffset, n);
    tail.tanh(src, srcOffset + bound, dst, dstOffset + bound, n - bound);
  }

  /** {@code op} over the whole vectors of the range; returns how many elements that covered (the rest is the tail). */
  private static int lanewise(VectorOperators.Unary op, float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    for (int i = 0; i < bound; i += SPECIES.length()) {
      FloatVector.fromArray(SPECIES, src, srcOffset + i).lanewise(op).intoArray(dst, dstOffset + i);
    }
    return bound;
  }

  @Override
  public void sigmoid(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    FloatVector one = FloatVector.broadcast(SPECIES, 1f);
    for (int i = 0; i < bound; i += SPECIES.length()) {
      FloatVector e = FloatVector.fromArray(SPECIES, src, srcOffset + i).neg().lanewise(VectorOperators.EXP);
      one.div(e.add(one)).intoArray(dst, dstOffset + i);
    }
    tail.sigmoid(src, srcOffset + bound, dst, dstOffset + bound, n - bound);
  }
}
