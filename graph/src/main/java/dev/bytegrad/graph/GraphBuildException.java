package dev.bytegrad.graph;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A graph could not be built as asked: a shape or dtype mismatch, a bad axis, a duplicate name. Thrown
 * at the DSL call; the message names the op, the types of its operands, what is wrong, and the user's
 * own file and line.
 */
public final class GraphBuildException extends IllegalArgumentException {
  private final String op;
  private final transient CallSite callSite;

  public GraphBuildException(String op, List<TensorType> operands, String problem, CallSite callSite) {
    super(format(op, operands, problem, callSite));
    this.op = op;
    this.callSite = callSite;
  }

  private static String format(String op, List<TensorType> operands, String problem, CallSite site) {
    String types = operands.stream().map(TensorType::toString).collect(Collectors.joining(", "));
    return op + "(" + types + "): " + problem + " (at " + site + ")";
  }

  /** The op that could not be built, as written in the text form. */
  public String op() {
    return op;
  }

  /** Where the user asked for it. */
  public CallSite callSite() {
    return callSite;
  }
}
