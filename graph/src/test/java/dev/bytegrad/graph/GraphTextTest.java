package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTextTest {
  /** A small MLP with its loss and gradients: every kind of node the models use. */
  private static List<Node> mlpWithGradients() {
    Graph g = new Graph();
    Node x = g.input("x", 4, 3);
    Node y = g.input("y", DType.I32, 4);
    Node hidden = Layers.dense(x, "hidden", 5, Init.heNormal()).relu();
    Node loss = Losses.crossEntropy(Layers.dense(hidden, "out", 2, Init.normal(0, 0.01)), y);
    List<Node> outputs = new ArrayList<>(List.of(loss));
    outputs.addAll(Autodiff.grad(loss, g.parameters()));
    return outputs;
  }

  @Test
  void print_isOneLinePerNodeWithTypes() {
    Graph g = new Graph();
    Node x = g.input("x", 2, 3);
    Node w = g.parameter("w", Init.glorotUniform(), 3, 4);
    String text = GraphPrinter.print(List.of(x.matmul(w).sum(List.of(1), true)));
    assertThat(text).isEqualTo("""
        %0 = input[name="x"] : f32[2,3]
        %1 = parameter[name="w", init=glorot_uniform] : f32[3,4]
        %2 = matmul %0 %1 : f32[2,4]
        %3 = sum[axes=[1], keep_dims=true] %2 : f32[2,1]
        return %3
        """);
  }

  @Test
  void parse_ofPrint_printsTheSameText_forAnMlpAndItsGradients() {
    String text = GraphPrinter.print(mlpWithGradients());
    GraphParser.Parsed parsed = GraphParser.parse(text);
    assertThat(GraphPrinter.print(parsed.outputs())).isEqualTo(text);
    assertThat(parsed.outputs()).hasSize(5);
  }

  @Test
  void parse_keepsLiteralsInitializersAndAwkwardNamesExactly() {
    Graph g = new Graph();
    Node x = g.input("x \"quoted\", with [brackets]\n", DType.F64, 2);
    Node w = g.parameter("w", Init.normal(0.5, 1e-3), DType.F64, 2);
    Node out = x.mul(w).add(0.1).mul(g.constant(dev.bytegrad.runtime.Tensor.ofDoubles(
        dev.bytegrad.runtime.Shape.of(2), 1.0 / 3, -2.5e-300)));
    String text = GraphPrinter.print(List.of(out));
    assertThat(GraphPrinter.print(GraphParser.parse(text).outputs())).isEqualTo(text);
    assertThat(text).contains("init=normal(0.5, 0.001)").contains("{0.3333333333333333, -2.5E-300}");
  }

  @Test
  void parse_rejectsATypeThatDisagreesWithTheOp_namingTheLine() {
    String text = """
        %0 = input[name="x"] : f32[2,3]
        %1 = exp %0 : f32[3,2]
        return %1
        """;
    assertThatThrownBy(() -> GraphParser.parse(text))
        .hasMessageContaining("line 2").hasMessageContaining("declared f32[3,2] but exp gives f32[2,3]");
  }

  @Test
  void parse_rejectsUnknownOpsAndUndefinedReferences() {
    assertThatThrownBy(() -> GraphParser.parse("%0 = frobnicate : f32[]\nreturn %0\n"))
        .hasMessageContaining("line 1: unknown op 'frobnicate'");
    assertThatThrownBy(() -> GraphParser.parse("%0 = exp %4 : f32[]\nreturn %0\n"))
        .hasMessageContaining("%4 is used before it is defined");
    assertThatThrownBy(() -> GraphParser.parse("%0 = input[name=\"x\"] : f32[2]\n"))
        .hasMessageContaining("no 'return' line");
  }

  @Test
  void parse_rejectsShapeErrorsThroughTheShapeRules() {
    String text = """
        %0 = input[name="a"] : f32[2,3]
        %1 = input[name="b"] : f32[2,3]
        %2 = matmul %0 %1 : f32[2,3]
        return %2
        """;
    assertThatThrownBy(() -> GraphParser.parse(text)).hasMessageContaining("line 3").hasMessageContaining("inner dimensions differ");
  }

  @Test
  void dot_drawsEveryNodeAndEdge() {
    Graph g = new Graph();
    Node x = g.input("x", 2);
    String dot = Dot.export(List.of(x.exp().add(x)));
    assertThat(dot).startsWith("digraph bytegrad {").contains("n0 -> n1;").contains("n1 -> n2;").contains("n0 -> n2;")
        .contains("label=\"exp\\nf32[2]\"").endsWith("}\n");
  }

  @Test
  void parse_rejectsOneNameForTwoLeaves() {
    String text = """
        %0 = input[name="x"] : f32[2]
        %1 = parameter[name="x", init=zeros] : f32[2]
        %2 = add %0 %1 : f32[2]
        return %2
        """;
    assertThatThrownBy(() -> GraphParser.parse(text)).hasMessageContaining("line 2").hasMessageContaining("'x' is already declared");
  }
}
