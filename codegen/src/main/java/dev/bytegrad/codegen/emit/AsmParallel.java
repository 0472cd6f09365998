package dev.bytegrad.codegen.emit;

import static org.objectweb.asm.Opcodes.*;

import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.List;
import java.util.function.Consumer;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The bytecode of kernels split over threads, for {@link AsmEmitter}: the method that hands a kernel to
 * {@code dev.bytegrad.runtime.Parallel}, the {@code runPart} the runtime calls back, and the loop over a
 * part's share. {@link JavaEmitter} writes the same as source.
 */
final class AsmParallel {
  private static final String PARALLEL = "dev/bytegrad/runtime/Parallel";

  private AsmParallel() {}

  /** {@code kN()}: runs the parallel kernel's parts through {@code Parallel.run}. */
  static void emitDispatch(ClassWriter writer, Kernel kernel, int id) {
    MethodVisitor method = writer.visitMethod(ACC_PRIVATE, kernel.name(), "()V", null, null);
    method.visitCode();
    for (Stmt statement : kernel.body()) {
      if (statement instanceof Stmt.GemmEpoch) {
        method.visitMethodInsn(INVOKESTATIC, "dev/bytegrad/runtime/Gemm", "newEpoch", "()V", false);
      }
    }
    Stmt.PartLoop parts = JavaEmitter.partLoop(kernel);
    method.visitVarInsn(ALOAD, 0);
    AsmExpressions.pushInt(method, id);
    if (parts.chunks()) {
      AsmExpressions.pushInt(method, parts.extent());
      method.visitMethodInsn(INVOKESTATIC, PARALLEL, "runChunks", "(L" + PARALLEL + "$Kernels;II)V", false);
    } else {
      method.visitLdcInsn(parts.elements());
      method.visitMethodInsn(INVOKESTATIC, PARALLEL, "run", "(L" + PARALLEL + "$Kernels;IJ)V", false);
    }
    method.visitInsn(RETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
  }

  /** {@code runPart(kernel, part, parts)}: a switch over the parallel kernels' numbers. */
  static void emitRunPart(ClassWriter writer, String owner, List<Kernel> kernels) {
    MethodVisitor method = writer.visitMethod(ACC_PUBLIC, "runPart", "(III)V", null, null);
    method.visitCode();
    List<Integer> ids = new java.util.ArrayList<>();
    for (int id = 0; id < kernels.size(); id++) {
      if (JavaEmitter.isParallel(kernels.get(id))) {
        ids.add(id);
      }
    }
    if (JavaVectors.any(kernels)) {
      // through the handles of the part methods (see JavaEmitter.PARTS), the receiver as an Object: a
      // hidden class cannot name itself in a descriptor
      method.visitFieldInsn(GETSTATIC, owner, JavaEmitter.PARTS, "[Ljava/lang/invoke/MethodHandle;");
      method.visitVarInsn(ILOAD, 1);
      method.visitInsn(AALOAD);
      method.visitVarInsn(ALOAD, 0);
      method.visitVarInsn(ILOAD, 2);
      method.visitVarInsn(ILOAD, 3);
      method.visitMethodInsn(INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invoke", "(Ljava/lang/Object;II)V", false);
      method.visitInsn(RETURN);
      method.visitMaxs(0, 0);
      method.visitEnd();
      return;
    }
    Label fail = new Label();
    Label[] labels = new Label[ids.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = new Label();
    }
    method.visitVarInsn(ILOAD, 1);
    method.visitLookupSwitchInsn(fail, ids.stream().mapToInt(Integer::intValue).toArray(), labels);
    for (int i = 0; i < labels.length; i++) {
      method.visitLabel(labels[i]);
      method.visitVarInsn(ALOAD, 0);
      method.visitVarInsn(ILOAD, 2);
      method.visitVarInsn(ILOAD, 3);
      method.visitMethodInsn(INVOKESPECIAL, owner, kernels.get(ids.get(i)).name() + "Part", "(II)V", false);
      method.visitInsn(RETURN);
    }
    method.visitLabel(fail);
    method.visitTypeInsn(NEW, "java/lang/IllegalArgumentException");
    method.visitInsn(DUP);
    method.visitLdcInsn("no parallel kernel");
    method.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "(Ljava/lang/String;)V", false);
    method.visitInsn(ATHROW);
    method.visitMaxs(0, 0);
    method.visitEnd();
  }

  /** The loop over this part's share: the part and the number of parts are the method's arguments 1 and 2. */
  static void emitPartLoop(MethodVisitor method, AsmExpressions expressions, Stmt.PartLoop loop, String owner,
      Consumer<Stmt> statements) {
    Expr.Var end = new Expr.Var(loop.index().name() + "End", DType.I32);
    AsmExpressions.pushInt(method, loop.extent());
    method.visitVarInsn(ILOAD, 1);
    method.visitVarInsn(ILOAD, 2);
    method.visitMethodInsn(INVOKESTATIC, PARALLEL, "start", "(III)I", false);
    expressions.store(loop.index());
    AsmExpressions.pushInt(method, loop.extent());
    method.visitVarInsn(ILOAD, 1);
    method.visitInsn(ICONST_1);
    method.visitInsn(IADD);
    method.visitVarInsn(ILOAD, 2);
    method.visitMethodInsn(INVOKESTATIC, PARALLEL, "start", "(III)I", false);
    expressions.store(end);
    if (loop.vector()) {
      new AsmVectors(owner, method, expressions).loop(loop.index(), end, loop.body(), statements);
      return;
    }
    Label condition = new Label();
    Label done = new Label();
    method.visitLabel(condition);
    expressions.emit(loop.index());
    expressions.emit(end);
    method.visitJumpInsn(IF_ICMPGE, done);
    loop.body().forEach(statements);
    method.visitIincInsn(expressions.slot(loop.index()), 1);
    method.visitJumpInsn(GOTO, condition);
    method.visitLabel(done);
  }
}
