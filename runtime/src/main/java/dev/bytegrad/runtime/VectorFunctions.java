package dev.bytegrad.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Vectors} on the Vector API; loaded only when the JVM has {@code jdk.incubator.vector}. Each lane
 * computes what {@link FloatFunctions} computes, operation for operation, and the elements past the last
 * whole vector are computed by {@link FloatFunctions} itself: the same bits either way.
 */
final class VectorFunctions implements Vectors.Functions {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final FloatVector ONE = splat(1f);
  private static final FloatVector TWO = splat(2f);
  private static final FloatVector EXP_LOWEST = splat(FloatFunctions.EXP_LOWEST);
  private static final FloatVector EXP_HIGHEST = splat(FloatFunctions.EXP_HIGHEST);
  private static final FloatVector LOG2E = splat(FloatFunctions.LOG2E);
  private static final FloatVector LOGISTIC_LARGEST_EXP = splat(FloatFunctions.LOGISTIC_LARGEST_EXP);
  /**
   * {@link FloatFunctions#ROUNDING} plus 127 (and plus 254): the sum's low bits then hold {@code n + 127}
   * (and {@code n + 254}), the biased exponent of {@code 2^n} (and the sum of two such), so that the
   * scale factors come out of its bits without an integer addition.
   */
  private static final FloatVector ROUNDING_127 = splat(FloatFunctions.ROUNDING + 127);
  private static final FloatVector ROUNDING_254 = splat(FloatFunctions.ROUNDING + 254);
  private static final FloatVector MINUS_LN2_HIGH = splat(-FloatFunctions.LN2_HIGH);
  private static final FloatVector MINUS_LN2_LOW = splat(-FloatFunctions.LN2_LOW);
  private static final FloatVector EXP_P0 = splat(FloatFunctions.EXP_P0);
  private static final FloatVector EXP_P1 = splat(FloatFunctions.EXP_P1);
  private static final FloatVector EXP_P2 = splat(FloatFunctions.EXP_P2);
  private static final FloatVector EXP_P3 = splat(FloatFunctions.EXP_P3);
  private static final FloatVector EXP_P4 = splat(FloatFunctions.EXP_P4);
  private static final FloatVector EXP_P5 = splat(FloatFunctions.EXP_P5);
  private static final FloatVector TANH_SMALL = splat(FloatFunctions.TANH_SMALL);
  private static final FloatVector TANH_LARGEST = splat(FloatFunctions.TANH_LARGEST);
  private static final FloatVector TANH_P0 = splat(FloatFunctions.TANH_P0);
  private static final FloatVector TANH_P1 = splat(FloatFunctions.TANH_P1);
  private static final FloatVector TANH_P2 = splat(FloatFunctions.TANH_P2);
  private static final FloatVector TANH_P3 = splat(FloatFunctions.TANH_P3);
  private static final FloatVector TANH_P4 = splat(FloatFunctions.TANH_P4);

  // The loops are called through method handles held in fields that are not final, on purpose: C2 then
  // cannot inline them into their callers. Each loop is some 20 to 35 Vector API calls, and C2 stops
  // inlining in a compilation past a budget of nodes (NodeCountInliningCutoff), at about 40 such calls;
  // an operation it stops at runs the API's Java fallback, which allocates a vector object per lane group.
  // Inlined into the kernels of an LSTM step, which C2 inlines into the step (three sigmoids and a tanh),
  // they went past it: 24 MB allocated per step. Compiled on its own each loop fits. A constant method
  // handle, or a call C2 can resolve, would be inlined like any other. For the same reason the loops
  // spell their vector code out rather than share helpers taking vectors: a helper C2 happens to compile
  // on its own first is then too big to inline, and every vector passed to it is boxed.
  private static MethodHandle expLanes = lanes("expLanes", float.class);
  private static MethodHandle tanhLanes = lanes("tanhLanes");
  private static MethodHandle logisticLanes = lanes("logisticLanes");

  @Override
  public int lanes() {
    return SPECIES.length();
  }

  @Override
  public void exp(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    try {
      expLanes.invokeExact(src, srcOffset, dst, dstOffset, bound, 1f);
    } catch (Throwable e) {
      throw rethrow(e);
    }
    for (int i = bound; i < n; i++) {
      dst[dstOffset + i] = FloatFunctions.exp(src[srcOffset + i]);
    }
  }

  @Override
  public void tanh(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    try {
      tanhLanes.invokeExact(src, srcOffset, dst, dstOffset, bound);
    } catch (Throwable e) {
      throw rethrow(e);
    }
    for (int i = bound; i < n; i++) {
      dst[dstOffset + i] = FloatFunctions.tanh(src[srcOffset + i]);
    }
  }

  /** {@code exp(-x)} into dst, then {@code 1 / (1 + e)} there (the same index read and written: in place is fine). */
  @Override
  public void sigmoid(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    try {
      expLanes.invokeExact(src, srcOffset, dst, dstOffset, bound, -1f);
      logisticLanes.invokeExact(dst, dstOffset, dst, dstOffset, bound);
    } catch (Throwable e) {
      throw rethrow(e);
    }
    for (int i = bound; i < n; i++) {
      dst[dstOffset + i] = FloatFunctions.sigmoid(src[srcOffset + i]);
    }
  }

  @Override
  public void accumulate(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    int bound = SPECIES.loopBound(n);
    for (int i = 0; i < bound; i += SPECIES.length()) {
      FloatVector.fromArray(SPECIES, dst, dstOffset + i).add(FloatVector.fromArray(SPECIES, src, srcOffset + i))
          .intoArray(dst, dstOffset + i);
    }
    for (int i = bound; i < n; i++) {
      dst[dstOffset + i] += src[srcOffset + i];
    }
  }

  /**
   * {@link FloatFunctions#exp} of {@code sign * x} (1 or -1: exact) for {@code n} elements, a multiple of
   * the vector length.
   */
  private static void expLanes(float[] src, int srcOffset, float[] dst, int dstOffset, int n, float sign) {
    FloatVector signs = splat(sign);
    for (int i = 0; i < n; i += SPECIES.length()) {
      FloatVector given = FloatVector.fromArray(SPECIES, src, srcOffset + i).mul(signs);
      // lanes below EXP_LOWEST are computed at it (no subnormal on the way) and then made zero
      FloatVector x = given.max(EXP_LOWEST).min(EXP_HIGHEST);
      FloatVector t = x.fma(LOG2E, ROUNDING_254);
      FloatVector k = t.sub(ROUNDING_254);
      FloatVector r = k.fma(MINUS_LN2_LOW, k.fma(MINUS_LN2_HIGH, x));
      FloatVector p = EXP_P0.fma(r, EXP_P1).fma(r, EXP_P2).fma(r, EXP_P3).fma(r, EXP_P4).fma(r, EXP_P5);
      // 2^n as 2^floor(n/2) 2^(n - floor(n/2)), both normal floats for n from -126 to 128
      IntVector biased = t.reinterpretAsInts();
      IntVector half = biased.lanewise(VectorOperators.LSHR, 1);
      p.fma(r.mul(r), r).add(ONE).mul(half.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
          .mul(biased.sub(half).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
          .blend(0f, given.lt(EXP_LOWEST)).intoArray(dst, dstOffset + i);
    }
  }

  /**
   * {@code 1 / (1 + e)} of each element: the logistic function of x, given {@code e = exp(-x)}; zero
   * beyond {@link FloatFunctions#LOGISTIC_LARGEST_EXP}, where the division would give a subnormal (the
   * lanes there divide by the bound and are then made zero).
   */
  private static void logisticLanes(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    for (int i = 0; i < n; i += SPECIES.length()) {
      FloatVector e = FloatVector.fromArray(SPECIES, src, srcOffset + i);
      ONE.div(e.min(LOGISTIC_LARGEST_EXP).add(ONE)).blend(0f, e.compare(VectorOperators.GT, LOGISTIC_LARGEST_EXP)).intoArray(dst, dstOffset + i);
    }
  }

  /**
   * {@link FloatFunctions#tanh}. Its {@code exp} takes {@code 2 min(|x|, 10)}, from 0 to 20, so its
   * {@code 2^n} needs no clamping and no splitting: one factor from the bits of the rounding sum.
   */
  private static void tanhLanes(float[] src, int srcOffset, float[] dst, int dstOffset, int n) {
    for (int i = 0; i < n; i += SPECIES.length()) {
      FloatVector x = FloatVector.fromArray(SPECIES, src, srcOffset + i);
      FloatVector a = x.abs();
      FloatVector z = a.mul(a);
      FloatVector small = TANH_P0.fma(z, TANH_P1).fma(z, TANH_P2).fma(z, TANH_P3).fma(z, TANH_P4).mul(z).fma(a, a);
      FloatVector w = a.min(TANH_LARGEST).mul(TWO);
      FloatVector t = w.fma(LOG2E, ROUNDING_127);
      FloatVector k = t.sub(ROUNDING_127);
      FloatVector r = k.fma(MINUS_LN2_LOW, k.fma(MINUS_LN2_HIGH, w));
      FloatVector p = EXP_P0.fma(r, EXP_P1).fma(r, EXP_P2).fma(r, EXP_P3).fma(r, EXP_P4).fma(r, EXP_P5);
      FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
      FloatVector e = p.fma(r.mul(r), r).add(ONE).mul(scale);
      FloatVector large = ONE.sub(TWO.div(e.add(ONE)));
      large.blend(small, a.lt(TANH_SMALL)).lanewise(VectorOperators.NEG, x.test(VectorOperators.IS_NEGATIVE))
          .intoArray(dst, dstOffset + i);
    }
  }

  private static FloatVector splat(float value) {
    return FloatVector.broadcast(SPECIES, value);
  }

  private static MethodHandle lanes(String name, Class<?>... more) {
    MethodType type = MethodType.methodType(void.class, float[].class, int.class, float[].class, int.class, int.class);
    try {
      return MethodHandles.lookup().findStatic(VectorFunctions.class, name, type.appendParameterTypes(more));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RuntimeException rethrow(Throwable e) {
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (e instanceof Error error) {
      throw error;
    }
    throw new IllegalStateException(e); // the loops throw nothing checked
  }
}
