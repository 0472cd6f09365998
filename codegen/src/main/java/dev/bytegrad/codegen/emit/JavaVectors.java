package dev.bytegrad.codegen.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Stmt;
import java.util.List;

/**
 * Java source for the vector loops of a program ({@link Stmt.Loop#vector()}): the loop's body a vector
 * of iterations at a time on the Vector API, then the iterations left over as scalar code. Mirrors
 * {@link AsmVectors}; what each expression becomes is told in {@code Vectorization}.
 */
final class JavaVectors {
  static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
  static final ClassName VECTOR_SPECIES = ClassName.get("jdk.incubator.vector", "VectorSpecies");
  static final ClassName VECTOR_OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");
  /** The static final field holding the species: {@code FloatVector.SPECIES_PREFERRED}. */
  static final String SPECIES = "F32_SPECIES";

  private final JavaExpressions expressions;

  JavaVectors(JavaExpressions expressions) {
    this.expressions = expressions;
  }

  /** Whether any kernel of {@code kernels} has a vector loop. */
  static boolean any(List<Kernel> kernels) {
    boolean[] found = {false};
    for (Kernel kernel : kernels) {
      kernel.body().forEach(stmt -> found[0] |= hasVectorLoop(stmt));
    }
    return found[0];
  }

  private static boolean hasVectorLoop(Stmt stmt) {
    if (stmt instanceof Stmt.Loop loop) {
      return loop.vector() || loop.body().stream().anyMatch(JavaVectors::hasVectorLoop);
    } else if (stmt instanceof Stmt.PartLoop loop) {
      return loop.vector() || loop.body().stream().anyMatch(JavaVectors::hasVectorLoop);
    }
    return false;
  }

  /**
   * {@code index}, a local already declared, from its value to {@code end}: whole vectors of iterations,
   * then the rest one at a time by {@code scalar}, the body as the scalar emitter writes it.
   */
  CodeBlock loop(String index, String end, List<Stmt> body, CodeBlock scalar) {
    CodeBlock.Builder code = CodeBlock.builder()
        .beginControlFlow("for (int $1LVectors = $1L + $2L.loopBound($3L - $1L); $1L < $1LVectors; $1L += $2L.length())",
            index, SPECIES, end);
    for (Stmt stmt : body) {
      Stmt.Store store = (Stmt.Store) stmt;
      code.addStatement("$L.intoArray($L, $L)", render(store.value(), index), expressions.array(store.buffer()),
          expressions.offset(store.buffer(), store.index()));
    }
    return code.endControlFlow()
        .beginControlFlow("for (; $L < $L; $L++)", index, end, index)
        .add(scalar)
        .endControlFlow()
        .build();
  }

  private CodeBlock render(Expr e, String index) {
    if (e instanceof Expr.Load load && moves(load.index(), index)) {
      return CodeBlock.of("$T.fromArray($L, $L, $L)", FLOAT_VECTOR, SPECIES, expressions.array(load.buffer()),
          expressions.offset(load.buffer(), load.index()));
    } else if (e instanceof Expr.Const || e instanceof Expr.Load || e instanceof Expr.Var) {
      return CodeBlock.of("$T.broadcast($L, $L)", FLOAT_VECTOR, SPECIES, expressions.render(e));
    } else if (e instanceof Expr.Unary unary) {
      return CodeBlock.of("$L.$L()", render(unary.operand(), index), unaryMethod(unary.op()));
    } else if (e instanceof Expr.Binary binary) {
      return CodeBlock.of("$L.$L($L)", render(binary.left(), index), method(binary.op()), render(binary.right(), index));
    } else if (e instanceof Expr.Cast cast) {
      return CodeBlock.of("$T.zero($L).blend(1.0f, $L)", FLOAT_VECTOR, SPECIES, mask(cast.operand(), index));
    }
    Expr.Select select = (Expr.Select) e;
    return CodeBlock.of("$L.blend($L, $L)", render(select.ifFalse(), index), render(select.ifTrue(), index),
        mask(select.condition(), index));
  }

  /** The lanes where a comparison holds. */
  private CodeBlock mask(Expr comparison, String index) {
    Expr.Binary compare = (Expr.Binary) comparison;
    return CodeBlock.of("$L.compare($T.$L, $L)", render(compare.left(), index), VECTOR_OPERATORS, compare.op().name(),
        render(compare.right(), index));
  }

  /**
   * Whether {@code index} mentions the loop index called {@code name}: a vector loop's loads move by one
   * element a step, or not at all.
   */
  static boolean moves(Expr index, String name) {
    if (index instanceof Expr.Var variable) {
      return variable.name().equals(name);
    } else if (index instanceof Expr.Binary binary) {
      return moves(binary.left(), name) || moves(binary.right(), name);
    } else if (index instanceof Expr.Unary unary) {
      return moves(unary.operand(), name);
    } else if (index instanceof Expr.Cast cast) {
      return moves(cast.operand(), name);
    } else if (index instanceof Expr.Load load) {
      return moves(load.index(), name);
    } else if (index instanceof Expr.Select select) {
      return moves(select.condition(), name) || moves(select.ifTrue(), name) || moves(select.ifFalse(), name);
    }
    return false;
  }

  static String unaryMethod(ScalarOp op) {
    return switch (op) {
      case NEG -> "neg";
      case ABS -> "abs";
      case SQRT -> "sqrt";
      default -> throw new IllegalArgumentException("no vector form of " + op);
    };
  }

  static String method(ScalarOp op) {
    return switch (op) {
      case ADD -> "add";
      case SUB -> "sub";
      case MUL -> "mul";
      case DIV -> "div";
      case MAX -> "max";
      default -> throw new IllegalArgumentException("no vector form of " + op);
    };
  }
}
