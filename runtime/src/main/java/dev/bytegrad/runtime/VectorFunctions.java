package dev.bytegrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link Vectors} on the Vector API; loaded only when the JVM has {@code jdk.incubator.vector}. */
final class VectorFunctions implements Vectors.Functions {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private final Vectors.ScalarFunctions tail = new Vectors.ScalarFunctions();

  // Each function has its own loop on purpose: the Vector API compiles a lanewise operation to SIMD only
  // when its operator is a constant where the loop is compiled. A shared loop taking the operator as an
  // argument is compiled on its own (as an OSR loop, say) with the operator unknown, and then runs the
  // API's fallback, which allocates a vector object per step (a megabyte per LSTM step) and is slower
  // than scalar code.

  @Override
  public void exp(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    for (int i = 0; i < bound; i += SPECIES.length()) {
      FloatVector.fromArray(SPECIES, src, srcOffset + i).lanewise(VectorOperators.EXP).intoArray(dst, dstOffset + i);
    }
    tail.exp(src, srcOffset + bound, dst, dstOffset + bound, n - bound);
  }

  @Override
  public void tanh(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    for (int i = 0; i < bound; i += SPECIES.length()) {
      FloatVector.fromArray(SPECIES, src, srcOffset + i).lanewise(VectorOperators.TANH).intoArray(dst, dstOffset + i);
    }
    tail.tanh(src, srcOffset + bound, dst, dstOffset + bound, n - bound);
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

  @Override
  public void accumulate(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    for (int i = 0; i < bound; i += SPECIES.length()) {
      FloatVector.fromArray(SPECIES, dst, dstOffset + i).add(FloatVector.fromArray(SPECIES, src, srcOffset + i))
          .intoArray(dst, dstOffset + i);
    }
    tail.accumulate(src, srcOffset + bound, dst, dstOffset + bound, n - bound);
  }
}
