package dev.bytegrad.codegen.emit;

import static org.objectweb.asm.Opcodes.*;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.List;
import java.util.function.Consumer;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for the vector loops of a program: the same loops {@link JavaVectors} writes as source, a
 * vector of iterations at a time on the Vector API, then the rest one at a time.
 */
final class AsmVectors {
  static final String FLOAT_VECTOR = "jdk/incubator/vector/FloatVector";
  static final String SPECIES_DESCRIPTOR = "Ljdk/incubator/vector/VectorSpecies;";
  static final String SPECIES_SIGNATURE = "Ljdk/incubator/vector/VectorSpecies<Ljava/lang/Float;>;";
  private static final String SPECIES_TYPE = "jdk/incubator/vector/VectorSpecies";
  private static final String VECTOR = "Ljdk/incubator/vector/FloatVector;";
  private static final String ANY_VECTOR = "Ljdk/incubator/vector/Vector;";
  private static final String MASK = "Ljdk/incubator/vector/VectorMask;";
  private static final String COMPARISON = "Ljdk/incubator/vector/VectorOperators$Comparison;";

  private final String owner;
  private final MethodVisitor method;
  private final AsmExpressions expressions;

  AsmVectors(String owner, MethodVisitor method, AsmExpressions expressions) {
    this.owner = owner;
    this.method = method;
    this.expressions = expressions;
  }

  /** Sets the species field in a static initializer. */
  static void initialize(MethodVisitor clinit, String owner) {
    clinit.visitFieldInsn(GETSTATIC, FLOAT_VECTOR, "SPECIES_PREFERRED", SPECIES_DESCRIPTOR);
    clinit.visitFieldInsn(PUTSTATIC, owner, JavaVectors.SPECIES, SPECIES_DESCRIPTOR);
  }

  /**
   * {@code index} from its current value to {@code end}: whole vectors of iterations, then the rest one
   * at a time, each statement of {@code body} emitted as scalar code by {@code scalar}.
   */
  void loop(Expr.Var index, Expr end, List<Stmt> body, Consumer<Stmt> scalar) {
    Expr.Var bound = new Expr.Var(index.name() + "Vectors", DType.I32);
    species();
    expressions.emit(end);
    expressions.emit(index);
    method.visitInsn(ISUB);
    method.visitMethodInsn(INVOKEINTERFACE, SPECIES_TYPE, "loopBound", "(I)I", true);
    expressions.emit(index);
    method.visitInsn(IADD);
    expressions.store(bound);
    Label vectors = new Label();
    Label rest = new Label();
    method.visitLabel(vectors);
    expressions.emit(index);
    expressions.emit(bound);
    method.visitJumpInsn(IF_ICMPGE, rest);
    for (Stmt stmt : body) {
      Stmt.Store store = (Stmt.Store) stmt;
      vector(store.value(), index.name());
      expressions.arrayAndOffset(store.buffer(), store.index());
      method.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, "intoArray", "([FI)V", false);
    }
    expressions.emit(index);
    species();
    method.visitMethodInsn(INVOKEINTERFACE, SPECIES_TYPE, "length", "()I", true);
    method.visitInsn(IADD);
    expressions.store(index);
    method.visitJumpInsn(GOTO, vectors);
    method.visitLabel(rest);
    Label done = new Label();
    expressions.emit(index);
    expressions.emit(end);
    method.visitJumpInsn(IF_ICMPGE, done);
    body.forEach(scalar);
    method.visitIincInsn(expressions.slot(index), 1);
    method.visitJumpInsn(GOTO, rest);
    method.visitLabel(done);
  }

  /** Pushes the vector of {@code e}'s lanes. */
  private void vector(Expr e, String index) {
    if (e instanceof Expr.Load load && JavaVectors.moves(load.index(), index)) {
      species();
      expressions.arrayAndOffset(load.buffer(), load.index());
      method.visitMethodInsn(INVOKESTATIC, FLOAT_VECTOR, "fromArray", "(" + SPECIES_DESCRIPTOR + "[FI)" + VECTOR, false);
    } else if (e instanceof Expr.Const || e instanceof Expr.Load || e instanceof Expr.Var) {
      species();
      expressions.emit(e);
      method.visitMethodInsn(INVOKESTATIC, FLOAT_VECTOR, "broadcast", "(" + SPECIES_DESCRIPTOR + "F)" + VECTOR, false);
    } else if (e instanceof Expr.Unary unary) {
      vector(unary.operand(), index);
      method.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, JavaVectors.unaryMethod(unary.op()), "()" + VECTOR, false);
    } else if (e instanceof Expr.Binary binary) {
      vector(binary.left(), index);
      vector(binary.right(), index);
      String name = JavaVectors.method(binary.op());
      method.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, name, "(" + ANY_VECTOR + ")" + VECTOR, false);
    } else if (e instanceof Expr.Cast cast) {
      species();
      method.visitMethodInsn(INVOKESTATIC, FLOAT_VECTOR, "zero", "(" + SPECIES_DESCRIPTOR + ")" + VECTOR, false);
      method.visitLdcInsn(1.0f);
      mask(cast.operand(), index);
      method.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, "blend", "(F" + MASK + ")" + VECTOR, false);
    } else {
      Expr.Select select = (Expr.Select) e;
      vector(select.ifFalse(), index);
      vector(select.ifTrue(), index);
      mask(select.condition(), index);
      method.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, "blend", "(" + ANY_VECTOR + MASK + ")" + VECTOR, false);
    }
  }

  /** Pushes the lanes where a comparison holds. */
  private void mask(Expr comparison, String index) {
    Expr.Binary compare = (Expr.Binary) comparison;
    vector(compare.left(), index);
    method.visitFieldInsn(GETSTATIC, "jdk/incubator/vector/VectorOperators", compare.op().name(), COMPARISON);
    vector(compare.right(), index);
    method.visitMethodInsn(INVOKEVIRTUAL, FLOAT_VECTOR, "compare", "(" + COMPARISON + ANY_VECTOR + ")" + MASK, false);
  }

  private void species() {
    method.visitFieldInsn(GETSTATIC, owner, JavaVectors.SPECIES, SPECIES_DESCRIPTOR);
  }
}
