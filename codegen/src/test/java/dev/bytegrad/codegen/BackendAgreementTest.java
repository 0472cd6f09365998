package dev.bytegrad.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Autodiff;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.OpTable;
import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Every op-table entry gives the same values and gradients in the interpreter, ASM and JavaPoet. */
class BackendAgreementTest {
  static Stream<Arguments> cases() {
    return OpTable.ENTRIES.stream().flatMap(entry -> Stream.of(Arguments.of(entry, DType.F32), Arguments.of(entry, DType.F64)));
  }

  /** The entry's result and the gradients of a weighted sum of it, as one function of its operands. */
  private static Signature signature(OpTable.Built built, OpTable.Entry entry) {
    List<Node> wrt = built.operands().stream().filter(n -> n.dtype().isFloating()).toList();
    Node loss = OpTable.weightedSum(built.result(), entry.name().hashCode());
    LinkedHashSet<Node> outputs = new LinkedHashSet<>();
    outputs.add(built.result());
    outputs.add(loss);
    outputs.addAll(Autodiff.grad(loss, wrt));
    outputs.removeIf(node -> node.op() instanceof Leaf);
    return new Signature(built.operands(), List.of(), new ArrayList<>(outputs), Map.of());
  }

  private static List<Tensor> run(Compiled compiled, OpTable.Built built) {
    Tensor[] inputs = built.operands().stream().map(built.feeds()::get).toArray(Tensor[]::new);
    Tensor[] outputs = compiled.signature().outputs().stream()
        .map(node -> Tensor.zeros(node.dtype(), node.shape())).toArray(Tensor[]::new);
    compiled.instantiate().run(inputs, outputs);
    return List.of(outputs);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void entry_agreesInTheInterpreterAsmAndJavaPoet(OpTable.Entry entry, DType floating) {
    OpTable.Built built = OpTable.build(entry, floating);
    Signature signature = signature(built, entry);
    List<Tensor> expected = run(GraphCompiler.compile("Entry", signature, Backend.INTERPRETER), built);
    for (Backend backend : List.of(Backend.ASM, Backend.JAVAPOET)) {
      List<Tensor> actual = run(GraphCompiler.compile("Entry", signature, backend), built);
      for (int i = 0; i < expected.size(); i++) {
        Node output = signature.outputs().get(i);
        double tolerance = floating == DType.F32 ? 1e-5 : 1e-11;
        double[] want = expected.get(i).toDoubleArray();
        double[] got = actual.get(i).toDoubleArray();
        assertThat(got).as("%s output %d (%s) on %s", entry, i, output, backend).hasSameSizeAs(want);
        for (int k = 0; k < want.length; k++) {
          assertThat(Math.abs(got[k] - want[k]))
              .as("%s output %d (%s) element %d on %s: %s vs %s", entry, i, output, k, backend, got[k], want[k])
              .isLessThanOrEqualTo(tolerance * (1 + Math.abs(want[k])));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void entry_emitsBytecodeThatAsmVerifies(OpTable.Entry entry, DType floating) {
    OpTable.Built built = OpTable.build(entry, floating);
    byte[] classFile = GraphCompiler.compile("Entry", signature(built, entry), Backend.ASM).classFile();
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(classFile), getClass().getClassLoader(), false, new PrintWriter(problems));
    assertThat(problems.toString()).isEmpty();
  }
}
