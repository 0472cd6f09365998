package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simplifies the index arithmetic of a kernel with what its loops' extents say about each index, the way
 * tinygrad's symbolic shapes do: a reshape after a transpose unravels a flat position with {@code /} and
 * {@code %}, and most of those cancel once the ranges are known. With {@code 0 <= r < c},
 * {@code (q * c + r) / c => q} and {@code (q * c + r) % c => r}; with {@code g} dividing both {@code c}
 * and every large coefficient and {@code 0 <= r < g}, {@code (g * a + r) / c => a / (c / g)} and
 * {@code (g * a + r) % c => (a % (c / g)) * g + r}. A rewrite is made only when the whole expression is
 * known not to be negative, where Java's truncating division is floor division, so values never change.
 */
final class IndexSimplifier {
  /** A closed range of integers; {@code null} stands for unknown. */
  private record Range(long low, long high) {}

  /** {@code sum(coefficient * atom) + constant}, with atoms in order of appearance. */
  private record Linear(Map<Expr, Long> terms, long constant) {}

  private final Map<Expr, Range> ranges = new HashMap<>();

  private IndexSimplifier() {}

  /** {@code kernel} with every index expression simplified. */
  static Kernel simplify(Kernel kernel) {
    IndexSimplifier simplifier = new IndexSimplifier();
    return new Kernel(kernel.name(), kernel.comment(), simplifier.statements(kernel.body()), kernel.reads(), kernel.writes());
  }

  private List<Stmt> statements(List<Stmt> body) {
    List<Stmt> result = new ArrayList<>(body.size());
    for (Stmt stmt : body) {
      result.add(statement(stmt));
    }
    return result;
  }

  private Stmt statement(Stmt stmt) {
    if (stmt instanceof Stmt.Loop loop) {
      ranges.put(loop.index(), new Range(0, loop.extent() - 1L));
      Stmt result = new Stmt.Loop(loop.index(), loop.extent(), statements(loop.body()), loop.vector());
      ranges.remove(loop.index());
      return result;
    } else if (stmt instanceof Stmt.Store store) {
      return new Stmt.Store(store.buffer(), index(expr(store.index())), expr(store.value()));
    } else if (stmt instanceof Stmt.Declare declare) {
      return new Stmt.Declare(declare.local(), expr(declare.init()));
    } else if (stmt instanceof Stmt.Assign assign) {
      return new Stmt.Assign(assign.local(), expr(assign.value()));
    } else if (stmt instanceof Stmt.Call || stmt instanceof Stmt.GemmEpoch) {
      return stmt;
    } else if (stmt instanceof Stmt.Apply apply) {
      return new Stmt.Apply(apply.function(), apply.src(), index(expr(apply.srcOffset())), apply.dst(), index(expr(apply.dstOffset())),
          apply.n());
    } else if (stmt instanceof Stmt.PartLoop loop) {
      ranges.put(loop.index(), new Range(0, loop.extent() - 1L));
      Stmt result = new Stmt.PartLoop(loop.index(), loop.extent(), statements(loop.body()), loop.vector(), loop.chunks());
      ranges.remove(loop.index());
      return result;
    }
    Stmt.Gemm g = (Stmt.Gemm) stmt;
    return g.withOffsets(expr(g.aOffset()), expr(g.bOffset()), expr(g.cOffset()));
  }

  private Expr expr(Expr e) {
    if (e instanceof Expr.Load load) {
      return new Expr.Load(load.buffer(), index(expr(load.index())));
    } else if (e instanceof Expr.Unary unary) {
      return new Expr.Unary(unary.op(), expr(unary.operand()));
    } else if (e instanceof Expr.Select select) {
      Expr condition = expr(select.condition());
      if (condition instanceof Expr.Const decided) {
        return expr(decided.value() != 0 ? select.ifTrue() : select.ifFalse());
      }
      return new Expr.Select(condition, expr(select.ifTrue()), expr(select.ifFalse()));
    } else if (e instanceof Expr.Cast cast) {
      return new Expr.Cast(cast.dtype(), expr(cast.operand()));
    } else if (e instanceof Expr.Binary binary) {
      Expr left = expr(binary.left());
      Expr right = expr(binary.right());
      if (binary.dtype() == DType.I32 && right instanceof Expr.Const c && c.value() > 0
          && (binary.op() == ScalarOp.DIV || binary.op() == ScalarOp.REM)) {
        return divide(left, (long) c.value(), binary.op() == ScalarOp.DIV);
      }
      Expr folded = fold(binary.op(), left, right);
      return folded != null ? folded : new Expr.Binary(binary.op(), left, right);
    }
    return e;
  }

  /**
   * {@code left op right} as a constant when it is one: an i32 comparison the operands' ranges decide
   * (a pad's bounds in a loop over one side of them), i32 arithmetic on constants, and {@code 0 + 0} in
   * floating point; else null. Floating-point values are folded only where the result is exact.
   */
  private Expr fold(ScalarOp op, Expr left, Expr right) {
    if (left.dtype() != DType.I32) {
      boolean zeros = isPositiveZero(left) && isPositiveZero(right);
      return op == ScalarOp.ADD && zeros ? new Expr.Const(left.dtype(), 0) : null;
    }
    if (left instanceof Expr.Const a && right instanceof Expr.Const b) {
      long x = (long) a.value();
      long y = (long) b.value();
      Long value = switch (op) {
        case ADD -> x + y;
        case SUB -> x - y;
        case MUL -> x * y;
        case LT -> x < y ? 1L : 0L;
        case LE -> x <= y ? 1L : 0L;
        case GT -> x > y ? 1L : 0L;
        case GE -> x >= y ? 1L : 0L;
        case EQ -> x == y ? 1L : 0L;
        case NE -> x != y ? 1L : 0L;
        default -> null;
      };
      return value == null ? null : Exprs.index((int) (long) value);
    }
    if (!op.isComparison()) {
      return null;
    }
    Range l = range(linear(left));
    Range r = range(linear(right));
    if (l == null || r == null) {
      return null;
    }
    Boolean decided = switch (op) {
      case LT -> l.high() < r.low() ? Boolean.TRUE : l.low() >= r.high() ? Boolean.FALSE : null;
      case LE -> l.high() <= r.low() ? Boolean.TRUE : l.low() > r.high() ? Boolean.FALSE : null;
      case GT -> l.low() > r.high() ? Boolean.TRUE : l.high() <= r.low() ? Boolean.FALSE : null;
      case GE -> l.low() >= r.high() ? Boolean.TRUE : l.high() < r.low() ? Boolean.FALSE : null;
      default -> null;
    };
    return decided == null ? null : Exprs.index(decided ? 1 : 0);
  }

  /**
   * An element's index with the quotient and remainder pairs that unravelling then ravelling leaves in it
   * recombined ({@code (a * 576 + i / 64) * 64 + i % 64 => a * 36864 + i}) and its constants added up; an
   * index without either as it is.
   */
  private static Expr index(Expr e) {
    Map<Expr, Long> terms = new LinkedHashMap<>();
    long constant = collect(e, 1, terms);
    Map<Expr, Long> before = new LinkedHashMap<>(terms);
    constant += recombine(terms);
    // as it is, unless constants fold: two or more into one, or a lone zero into nothing
    if (terms.equals(before) && addends(e) < 2 && !(addends(e) == 1 && constant == 0 && !terms.isEmpty())) {
      return e;
    }
    terms.values().removeIf(coefficient -> coefficient == 0);
    return build(new Linear(terms, constant));
  }

  /** The constants {@code e} adds up, as a sum of multiples: two or more ({@code i + 384 + -384}) fold into one. */
  private static int addends(Expr e) {
    if (e instanceof Expr.Const) {
      return 1;
    } else if (e instanceof Expr.Binary b && b.dtype() == DType.I32 && (b.op() == ScalarOp.ADD || b.op() == ScalarOp.SUB)) {
      return addends(b.left()) + addends(b.right());
    }
    return 0;
  }

  /** {@code e / c} or {@code e % c}, simplified when the ranges allow. */
  private Expr divide(Expr e, long c, boolean quotient) {
    Linear linear = linear(e);
    Range whole = range(linear);
    if (whole == null || whole.low() < 0) {
      return plain(e, c, quotient);
    }
    if (whole.high() < c) {
      return quotient ? Exprs.index(0) : e; // 0 <= e < c
    }
    // (q * c + r) / c => q + r / c and (q * c + r) % c => r % c, for r >= 0
    Map<Expr, Long> multiples = new LinkedHashMap<>();
    Map<Expr, Long> others = new LinkedHashMap<>();
    linear.terms().forEach((atom, coefficient) -> (coefficient % c == 0 ? multiples : others).put(atom, coefficient));
    Linear remainder = new Linear(others, Math.floorMod(linear.constant(), c));
    Range remainderRange = range(remainder);
    if (!multiples.isEmpty() && remainderRange != null && remainderRange.low() >= 0) {
      Expr r = build(remainder);
      if (!quotient) {
        return divide(r, c, false);
      }
      Map<Expr, Long> q = new LinkedHashMap<>();
      multiples.forEach((atom, coefficient) -> q.put(atom, coefficient / c));
      return Exprs.add(build(new Linear(q, Math.floorDiv(linear.constant(), c))), divide(r, c, true));
    }
    // the terms ordered from the largest coefficient; the smallest ones become the remainder r
    List<Map.Entry<Expr, Long>> terms = new ArrayList<>(linear.terms().entrySet());
    terms.sort((a, b) -> Long.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
    for (int large = terms.size(); large >= 1; large--) {
      long g = c;
      for (int t = 0; t < large; t++) {
        g = gcd(g, Math.abs(terms.get(t).getValue()));
      }
      Map<Expr, Long> small = new LinkedHashMap<>();
      for (int t = large; t < terms.size(); t++) {
        small.put(terms.get(t).getKey(), terms.get(t).getValue());
      }
      long constant = Math.floorMod(linear.constant(), g);
      Range rest = range(new Linear(small, constant));
      if (g <= 1 || rest == null || rest.low() < 0 || rest.high() >= g) {
        continue;
      }
      Map<Expr, Long> big = new LinkedHashMap<>();
      for (int t = 0; t < large; t++) {
        big.put(terms.get(t).getKey(), terms.get(t).getValue() / g);
      }
      Expr a = build(new Linear(big, Math.floorDiv(linear.constant(), g)));
      long divisor = c / g;
      if (quotient) {
        return divisor == 1 ? a : divide(a, divisor, true);
      }
      Expr high = divisor == 1 ? Exprs.index(0) : Exprs.mul(divide(a, divisor, false), Exprs.index((int) g));
      return Exprs.add(high, build(new Linear(small, constant)));
    }
    return plain(e, c, quotient);
  }

  private static boolean isPositiveZero(Expr e) {
    return e instanceof Expr.Const c && Double.doubleToRawLongBits(c.value()) == 0;
  }

  private static Expr plain(Expr e, long c, boolean quotient) {
    return new Expr.Binary(quotient ? ScalarOp.DIV : ScalarOp.REM, e, Exprs.index((int) c));
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** {@code e} as a sum of coefficients times atoms: loop indices, quotients, remainders, loads. */
  private static Linear linear(Expr e) {
    Map<Expr, Long> terms = new LinkedHashMap<>();
    long constant = collect(e, 1, terms);
    constant += recombine(terms);
    terms.values().removeIf(coefficient -> coefficient == 0);
    return new Linear(terms, constant);
  }

  /** {@code k * c * (x / c) + k * (x % c) => k * x}, which unravelling then ravelling leaves behind. */
  private static long recombine(Map<Expr, Long> terms) {
    long constant = 0;
    for (Expr atom : List.copyOf(terms.keySet())) {
      Long m = terms.get(atom);
      if (m == null || !(atom instanceof Expr.Binary b) || b.op() != ScalarOp.DIV || !(b.right() instanceof Expr.Const c)) {
        continue;
      }
      long divisor = (long) c.value();
      Expr remainder = new Expr.Binary(ScalarOp.REM, b.left(), b.right());
      Long k = terms.get(remainder);
      if (divisor > 0 && m % divisor == 0 && k != null && k == m / divisor) {
        terms.remove(atom);
        terms.remove(remainder);
        constant += collect(b.left(), k, terms);
      }
    }
    return constant;
  }

  private static long collect(Expr e, long scale, Map<Expr, Long> terms) {
    if (e instanceof Expr.Const c) {
      return scale * (long) c.value();
    }
    if (e instanceof Expr.Binary b && b.dtype() == DType.I32) {
      if (b.op() == ScalarOp.ADD) {
        return collect(b.left(), scale, terms) + collect(b.right(), scale, terms);
      }
      if (b.op() == ScalarOp.SUB) {
        return collect(b.left(), scale, terms) + collect(b.right(), -scale, terms);
      }
      if (b.op() == ScalarOp.MUL && b.right() instanceof Expr.Const c) {
        return collect(b.left(), scale * (long) c.value(), terms);
      }
      if (b.op() == ScalarOp.MUL && b.left() instanceof Expr.Const c) {
        return collect(b.right(), scale * (long) c.value(), terms);
      }
    }
    terms.merge(e, scale, Long::sum);
    return 0;
  }

  private static Expr build(Linear linear) {
    Expr result = Exprs.index(0);
    for (Map.Entry<Expr, Long> term : linear.terms().entrySet()) {
      result = Exprs.add(result, Exprs.mul(term.getKey(), Exprs.index((int) (long) term.getValue())));
    }
    return Exprs.add(result, Exprs.index((int) linear.constant()));
  }

  private Range range(Linear linear) {
    long low = linear.constant();
    long high = linear.constant();
    for (Map.Entry<Expr, Long> term : linear.terms().entrySet()) {
      Range atom = atom(term.getKey());
      if (atom == null) {
        return null;
      }
      long a = atom.low() * term.getValue();
      long b = atom.high() * term.getValue();
      low += Math.min(a, b);
      high += Math.max(a, b);
    }
    return new Range(low, high);
  }

  private Range atom(Expr e) {
    Range known = ranges.get(e);
    if (known != null) {
      return known;
    }
    if (e instanceof Expr.Binary b && b.right() instanceof Expr.Const c && c.value() > 0) {
      Range operand = range(linear(b.left()));
      if (operand == null || operand.low() < 0) {
        return null;
      }
      long divisor = (long) c.value();
      return b.op() == ScalarOp.DIV ? new Range(operand.low() / divisor, operand.high() / divisor)
          : b.op() == ScalarOp.REM ? new Range(0, Math.min(divisor - 1, operand.high())) : null;
    }
    return null;
  }
}
