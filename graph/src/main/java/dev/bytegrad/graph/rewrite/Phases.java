package dev.bytegrad.graph.rewrite;

import java.util.List;

/** The standard phases, in the order they run. */
public final class Phases {
  public static final Phase CANONICALIZE = new Phase("canonicalize", List.of(Rules.CONSTANT_RIGHT));

  public static final Phase SIMPLIFY = new Phase("simplify", List.of(Rules.ADD_ZERO, Rules.SUB_ZERO, Rules.MUL_ONE,
      Rules.DIV_ONE, Rules.NEG_NEG, Rules.TRANSPOSE_TRANSPOSE, Rules.RESHAPE_RESHAPE, Rules.BROADCAST_BROADCAST,
      Rules.BROADCAST_THEN_SUM, Rules.SELECT_CONSTANT, Rules.SUM_ONE_HOT_PRODUCT, Rules.ADJACENT_PADS, Rules.CONSTANT_RIGHT));

  public static final Phase FOLD_CONSTANTS = new Phase("fold constants", List.of(Rules.FOLD, Rules.FOLD_BROADCAST_SCALARS));

  /** No rule: the rebuild keeps only what the outputs depend on. */
  public static final Phase DEAD_CODE = new Phase("dead code", List.of());

  public static final List<Phase> STANDARD = List.of(CANONICALIZE, SIMPLIFY, FOLD_CONSTANTS, SIMPLIFY, DEAD_CODE);

  private Phases() {}
}
