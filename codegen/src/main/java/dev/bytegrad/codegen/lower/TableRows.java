package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores through a constant table of rows, {@code out[table[f] * width + rest]}: a scatter-add by constant
 * indices (the gradient of a pooling window's gather). Two iterations of a loop store different elements
 * when the table gives them different rows and {@code rest} stays within a row. The table and the loops'
 * ranges are known when the kernel is built, so the rows each iteration reaches are computed, not guessed.
 */
final class TableRows {
  /** The most evaluations of the table's index spent on the question; past it the answer is no. */
  private static final long EVALUATIONS = 1 << 20;

  private TableRows() {}

  /** Whether {@code index} differs between any two iterations of {@code loop}, whatever the loops {@code within} it do. */
  static boolean distinct(Expr index, Stmt.Loop loop, List<Stmt.Loop> within) {
    Map<Expr, Long> terms = new LinkedHashMap<>();
    if (!collect(index, 1, terms)) {
      return false;
    }
    Map<Expr.Var, Integer> extents = new LinkedHashMap<>();
    extents.put(loop.index(), loop.extent());
    within.forEach(l -> extents.put(l.index(), l.extent()));
    Expr.Load row = null;
    long width = 0;
    long span = 0;
    for (Map.Entry<Expr, Long> term : terms.entrySet()) {
      if (term.getKey() instanceof Expr.Load load && row == null && load.buffer().constant() != null
          && load.buffer().dtype() == DType.I32) {
        row = load;
        width = Math.abs(term.getValue());
      } else if (term.getKey() instanceof Expr.Var variable) {
        Integer extent = extents.get(variable);
        span += extent == null ? 0 : Math.abs(term.getValue()) * (extent - 1); // outside the loops: fixed
      } else {
        return false;
      }
    }
    if (row == null || span >= width) {
      return false;
    }
    List<Expr.Var> variables = new ArrayList<>();
    for (Expr.Var variable : extents.keySet()) {
      if (Accesses.mentions(row.index(), variable)) {
        variables.add(variable);
      }
    }
    if (!variables.contains(loop.index())) {
      return false;
    }
    return rowsOwned(row, variables, extents);
  }

  /** Whether every row the table gives is reached by one iteration of the first of {@code variables} only. */
  private static boolean rowsOwned(Expr.Load row, List<Expr.Var> variables, Map<Expr.Var, Integer> extents) {
    long evaluations = 1;
    for (Expr.Var variable : variables) {
      evaluations *= extents.get(variable);
      if (evaluations > EVALUATIONS) {
        return false;
      }
    }
    int[] table = row.buffer().constant().ints();
    Map<Integer, Integer> owners = new HashMap<>();
    Map<Expr.Var, Integer> values = new HashMap<>();
    int[] counters = new int[variables.size()];
    for (long e = 0; e < evaluations; e++) {
      for (int v = 0; v < variables.size(); v++) {
        values.put(variables.get(v), counters[v]);
      }
      Long at = evaluate(row.index(), values);
      if (at == null || at < 0 || at >= table.length) {
        return false;
      }
      Integer owner = owners.putIfAbsent(table[(int) (long) at], counters[0]);
      if (owner != null && owner != counters[0]) {
        return false;
      }
      for (int v = variables.size() - 1; v >= 0 && ++counters[v] == extents.get(variables.get(v)); v--) {
        counters[v] = 0;
      }
    }
    return true;
  }

  /** {@code e}'s value with {@code values} for its variables, or null when it holds anything but integer arithmetic. */
  private static Long evaluate(Expr e, Map<Expr.Var, Integer> values) {
    if (e instanceof Expr.Const constant) {
      return (long) constant.value();
    } else if (e instanceof Expr.Var variable) {
      Integer value = values.get(variable);
      return value == null ? null : (long) value;
    } else if (e instanceof Expr.Binary b && b.dtype() == DType.I32) {
      Long left = evaluate(b.left(), values);
      Long right = evaluate(b.right(), values);
      if (left == null || right == null) {
        return null;
      }
      return switch (b.op()) {
        case ADD -> left + right;
        case SUB -> left - right;
        case MUL -> left * right;
        case DIV -> right == 0 ? null : left / right;
        case REM -> right == 0 ? null : left % right;
        default -> null;
      };
    }
    return null;
  }

  /** Adds {@code e}'s terms, times {@code scale}, to {@code terms}; false if it is not a sum of multiples. */
  private static boolean collect(Expr e, long scale, Map<Expr, Long> terms) {
    if (e instanceof Expr.Const) {
      return true;
    }
    if (e instanceof Expr.Binary b && b.dtype() == DType.I32) {
      if (b.op() == ScalarOp.ADD) {
        return collect(b.left(), scale, terms) && collect(b.right(), scale, terms);
      } else if (b.op() == ScalarOp.SUB) {
        return collect(b.left(), scale, terms) && collect(b.right(), -scale, terms);
      } else if (b.op() == ScalarOp.MUL && b.right() instanceof Expr.Const c) {
        return collect(b.left(), scale * (long) c.value(), terms);
      } else if (b.op() == ScalarOp.MUL && b.left() instanceof Expr.Const c) {
        return collect(b.right(), scale * (long) c.value(), terms);
      }
      return false;
    }
    terms.merge(e, scale, Long::sum);
    return true;
  }
}
