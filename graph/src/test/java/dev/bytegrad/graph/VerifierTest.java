package dev.bytegrad.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.op.Exp;
import dev.bytegrad.graph.rewrite.Rewriter;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {
  @Test
  void theBuildTurnsVerificationOnInTests() {
    assertThat(Verifier.enabled()).as("surefire sets -Dbytegrad.verify=true").isTrue();
  }

  @Test
  void aModelItsGradientsAndTheirSimplification_pass() {
    Graph g = new Graph();
    Node x = g.input("x", 4, 3);
    Node y = g.input("y", DType.I32, 4);
    Node loss = Losses.crossEntropy(Layers.dense(x, "dense", 2, Init.glorotUniform()).tanh(), y);
    List<Node> outputs = new ArrayList<>(List.of(loss));
    outputs.addAll(Autodiff.grad(loss, g.parameters()));
    Verifier.verify("autodiff", outputs);
    Verifier.verify("simplification", Rewriter.simplify(outputs).outputs());
  }

  @Test
  void aNodeWhoseTypeDisagreesWithItsOperands_isCaughtNamingThePass() {
    Graph g = new Graph();
    Node x = g.input("x", 2, 2);
    Node forged = new Node(g, new Exp(), List.of(x), new TensorType(DType.F32, Shape.of(4)), g.size(), CallSite.UNKNOWN);
    assertThatThrownBy(() -> Verifier.verify("a broken rewrite", List.of(forged)))
        .hasMessageContaining("after a broken rewrite").hasMessageContaining("holds type")
        .hasMessageContaining("but its operands infer");
  }

  @Test
  void anOperandFromAnotherGraph_isCaught() {
    Graph g = new Graph();
    Graph other = new Graph();
    Node foreign = other.input("x", 2);
    Node node = new Node(g, new Exp(), List.of(foreign), foreign.type(), 0, CallSite.UNKNOWN);
    assertThatThrownBy(() -> Verifier.verify("a transform", List.of(node))).hasMessageContaining("another graph");
  }
}
