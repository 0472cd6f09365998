package dev.bytegrad.graph.rewrite;

import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.runtime.DType;
import java.util.List;
import java.util.function.Function;

/** One small graph per rule, in which the rule fires. */
final class RuleCases {
  record Case(Rule rule, Function<Graph, Node> build, String expected) {
    @Override
    public String toString() {
      return rule.name();
    }
  }

  static final List<Case> CASES = List.of(
      new Case(Rules.CONSTANT_RIGHT, g -> g.constant(2, DType.F64).broadcastTo(3).mul(g.input("x", DType.F64, 3)), """
          %0 = literal[value={2.0}] : f64[]
          %1 = broadcast[shape=[3]] %0 : f64[3]
          %2 = input[name="x"] : f64[3]
          %3 = mul %2 %1 : f64[3]
          return %3
          """),
      new Case(Rules.ADD_ZERO, g -> g.input("x", DType.F64, 3).add(0), """
          %0 = input[name="x"] : f64[3]
          return %0
          """),
      new Case(Rules.SUB_ZERO, g -> g.input("x", DType.F64, 3).sub(0), """
          %0 = input[name="x"] : f64[3]
          return %0
          """),
      new Case(Rules.MUL_ONE, g -> g.input("x", DType.F64, 3).mul(1), """
          %0 = input[name="x"] : f64[3]
          return %0
          """),
      new Case(Rules.DIV_ONE, g -> g.input("x", DType.F64, 3).div(1), """
          %0 = input[name="x"] : f64[3]
          return %0
          """),
      new Case(Rules.NEG_NEG, g -> g.input("x", DType.F64, 3).neg().neg().exp(), """
          %0 = input[name="x"] : f64[3]
          %1 = exp %0 : f64[3]
          return %1
          """),
      new Case(Rules.TRANSPOSE_TRANSPOSE, g -> g.input("x", DType.F64, 2, 3, 4).transpose(1, 2, 0).transpose(2, 0, 1).exp(), """
          %0 = input[name="x"] : f64[2,3,4]
          %1 = exp %0 : f64[2,3,4]
          return %1
          """),
      new Case(Rules.RESHAPE_RESHAPE, g -> g.input("x", DType.F64, 2, 3, 4).reshape(6, 4).reshape(4, 6), """
          %0 = input[name="x"] : f64[2,3,4]
          %1 = reshape[shape=[4,6]] %0 : f64[4,6]
          return %1
          """),
      new Case(Rules.BROADCAST_BROADCAST, g -> g.input("x", DType.F64, 3).broadcastTo(2, 3).broadcastTo(5, 2, 3), """
          %0 = input[name="x"] : f64[3]
          %1 = broadcast[shape=[5,2,3]] %0 : f64[5,2,3]
          return %1
          """),
      new Case(Rules.BROADCAST_THEN_SUM, g -> g.input("x", DType.F64, 3).broadcastTo(4, 3).sum(0), """
          %0 = input[name="x"] : f64[3]
          %1 = literal[value={4.0}] : f64[]
          %2 = broadcast[shape=[3]] %1 : f64[3]
          %3 = mul %0 %2 : f64[3]
          return %3
          """),
      new Case(Rules.SELECT_CONSTANT, g -> g.constant(1, DType.I32).broadcastTo(3)
          .select(g.input("a", DType.F64, 3), g.input("b", DType.F64, 3)), """
          %0 = input[name="a"] : f64[3]
          return %0
          """),
      new Case(Rules.ADJACENT_PADS, g -> g.input("x", DType.F64, 2, 1).pad(new int[] {0, 1}, new int[] {0, 4})
          .add(g.input("y", DType.F64, 2, 2).pad(new int[] {0, 2}, new int[] {0, 2}))
          .add(g.input("z", DType.F64, 2, 1).pad(new int[] {0, 4}, new int[] {0, 1})), """
          %0 = input[name="x"] : f64[2,1]
          %1 = input[name="y"] : f64[2,2]
          %2 = input[name="z"] : f64[2,1]
          %3 = concat[axis=1] %0 %1 %2 : f64[2,4]
          %4 = pad[low=[0, 1], high=[0, 1]] %3 : f64[2,6]
          return %4
          """),
      new Case(Rules.SUM_ONE_HOT_PRODUCT, g -> g.input("x", DType.F64, 4, 3)
          .mul(g.input("y", DType.I32, 4).oneHot(3, DType.F64)).sum(1), """
          %0 = input[name="x"] : f64[4,3]
          %1 = input[name="y"] : i32[4]
          %2 = literal[value={0, 3, 6, 9}] : i32[4]
          %3 = add %1 %2 : i32[4]
          %4 = reshape[shape=[12,1]] %0 : f64[12,1]
          %5 = gather %4 %3 : f64[4,1]
          %6 = reshape[shape=[4]] %5 : f64[4]
          return %6
          """),
      new Case(Rules.FOLD, g -> g.input("x", DType.F64, 3).mul(g.constant(2, DType.F64).exp()), """
          %0 = input[name="x"] : f64[3]
          %1 = literal[value={7.38905609893065}] : f64[]
          %2 = broadcast[shape=[3]] %1 : f64[3]
          %3 = mul %0 %2 : f64[3]
          return %3
          """),
      new Case(Rules.FOLD_BROADCAST_SCALARS, g -> g.input("x", DType.F64, 3)
          .add(g.constant(2, DType.F64).broadcastTo(3).mul(g.constant(3, DType.F64).broadcastTo(3))), """
          %0 = input[name="x"] : f64[3]
          %1 = literal[value={6.0}] : f64[]
          %2 = broadcast[shape=[3]] %1 : f64[3]
          %3 = add %0 %2 : f64[3]
          return %3
          """),
      new Case(Rules.FOLD, g -> g.parameter("w", Init.zeros(), DType.F64, 2).mul(g.constant(0.5, DType.F64).neg()), """
          %0 = parameter[name="w", init=zeros] : f64[2]
          %1 = literal[value={-0.5}] : f64[]
          %2 = broadcast[shape=[2]] %1 : f64[2]
          %3 = mul %0 %2 : f64[2]
          return %3
          """));
}
