package dev.bytegrad.codegen.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.runtime.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Constants in generated source: the same text whichever JDK generated it, and the same value read back. */
class JavaExpressionsTest {
  @Test
  void floatConstants_areTheShortestDecimal_onEveryJdk() {
    // JDK 17's Float.toString wrote the first as 1.17549435E-38
    assertThat(JavaExpressions.constant(DType.F32, Float.MIN_NORMAL)).isEqualTo("1.1754944E-38f");
    assertThat(JavaExpressions.constant(DType.F32, 0.9f)).isEqualTo("0.9f");
    assertThat(JavaExpressions.constant(DType.F32, 2f)).isEqualTo("2.0f");
    assertThat(JavaExpressions.constant(DType.F32, -0.5f)).isEqualTo("-0.5f");
    assertThat(JavaExpressions.constant(DType.F32, 1e7f)).isEqualTo("1.0E7f");
    assertThat(JavaExpressions.constant(DType.F32, 0.001f)).isEqualTo("0.001f");
    assertThat(JavaExpressions.constant(DType.F32, -0f)).isEqualTo("-0.0f");
    assertThat(JavaExpressions.constant(DType.F32, Float.NaN)).isEqualTo("Float.NaN");
    assertThat(JavaExpressions.constant(DType.F64, 0.1)).isEqualTo("0.1");
    assertThat(JavaExpressions.constant(DType.F64, Double.MIN_NORMAL)).isEqualTo("2.2250738585072014E-308");
  }

  @Test
  void constants_readBackAsTheSameBits_andMatchTheShortestToString() {
    SplittableRandom random = new SplittableRandom(9);
    boolean shortestToString = Runtime.version().feature() >= 19;
    for (int i = 0; i < 20_000; i++) {
      float f = Float.intBitsToFloat(random.nextInt());
      double d = Double.longBitsToDouble(random.nextLong());
      if (Float.isFinite(f)) {
        String text = JavaExpressions.decimal(f);
        assertThat(Float.floatToRawIntBits(Float.parseFloat(text))).as(text).isEqualTo(Float.floatToRawIntBits(f));
        if (shortestToString) {
          assertThat(text).isEqualTo(Float.toString(f));
        }
      }
      if (Double.isFinite(d)) {
        String text = JavaExpressions.decimal(d);
        assertThat(Double.doubleToRawLongBits(Double.parseDouble(text))).as(text).isEqualTo(Double.doubleToRawLongBits(d));
        if (shortestToString) {
          assertThat(text).isEqualTo(Double.toString(d));
        }
      }
    }
  }
}
