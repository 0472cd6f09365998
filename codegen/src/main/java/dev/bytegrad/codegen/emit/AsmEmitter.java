package dev.bytegrad.codegen.emit;

import static org.objectweb.asm.Opcodes.*;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.DType;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Renders a program as a class file with ASM: the same class {@link JavaEmitter} writes as source,
 * method for method — fields, constructor, {@code run}, one private method per kernel — so the readable
 * Java documents this bytecode. Expressions are emitted by {@link AsmExpressions}, vector loops by
 * {@link AsmVectors}.
 */
public final class AsmEmitter {
  static final String TENSOR = "dev/bytegrad/runtime/Tensor";
  private static final String BIND = "dev/bytegrad/runtime/Bind";
  private static final String PARALLEL = "dev/bytegrad/runtime/Parallel";
  private static final String KERNEL_TIMES = "dev/bytegrad/runtime/KernelTimes";
  /** The local of a timed loop's clock (a long: its slot and the next). */
  private static final Expr.Var CLOCK = new Expr.Var("clock", DType.I32);

  private final Program program;
  private final String owner;
  private final boolean timed;
  private final ClassWriter writer;

  private AsmEmitter(Program program, String internalName, boolean timed) {
    this.program = program;
    this.owner = internalName;
    this.timed = timed;
    this.writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
      @Override
      protected String getCommonSuperClass(String type1, String type2) {
        return "java/lang/Object";
      }
    };
  }

  /** The class file of {@code program}, named {@code internalName} (slash-separated). */
  public static byte[] emit(Program program, String internalName) {
    return emit(program, internalName, false);
  }

  /**
   * The class file of {@code program}, named {@code internalName}; with {@code timed}, its {@code run}
   * reads the clock after each kernel, as {@link JavaEmitter#emit(Program, String, boolean)} writes it.
   */
  public static byte[] emit(Program program, String internalName, boolean timed) {
    return new AsmEmitter(program, internalName, timed).emitClass();
  }

  private byte[] emitClass() {
    List<Kernel> kernels = program.allKernels();
    boolean parallel = kernels.stream().anyMatch(JavaEmitter::isParallel);
    List<String> interfaces = new java.util.ArrayList<>(List.of("dev/bytegrad/runtime/CompiledFunction"));
    if (parallel) {
      interfaces.add(PARALLEL + "$Kernels");
    }
    if (timed) {
      interfaces.add(KERNEL_TIMES + "$Timed");
    }
    writer.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, owner, null, "java/lang/Object", interfaces.toArray(String[]::new));
    writer.visitSource(program.name() + ".java", null);
    emitFields();
    emitConstructor();
    emitRun();
    if (timed) {
      emitKernelTimes();
    }
    for (Kernel kernel : kernels) {
      if (JavaEmitter.isParallel(kernel)) {
        AsmParallel.emitDispatch(writer, kernel, kernels.indexOf(kernel));
      }
      emitKernel(kernel);
    }
    if (parallel) {
      AsmParallel.emitRunPart(writer, owner, kernels);
    }
    writer.visitEnd();
    return writer.toByteArray();
  }

  private void emitFields() {
    for (Buffer constant : program.constants()) {
      writer.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, constant.name(), arrayDescriptor(constant.dtype()), null, null).visitEnd();
    }
    for (DType dtype : DType.values()) {
      if (program.arenaSize(dtype) > 0) {
        writer.visitField(ACC_PRIVATE | ACC_FINAL, JavaEmitter.arenaName(dtype), arrayDescriptor(dtype), null, null).visitEnd();
      }
    }
    for (Buffer parameter : program.parameters()) {
      writer.visitField(ACC_PRIVATE | ACC_FINAL, parameter.name(), arrayDescriptor(parameter.dtype()), null, null).visitEnd();
    }
    for (Buffer buffer : concat(program.inputs(), program.outputs())) {
      writer.visitField(ACC_PRIVATE, buffer.name(), arrayDescriptor(buffer.dtype()), null, null).visitEnd();
    }
    if (timed) {
      writer.visitField(ACC_PRIVATE | ACC_FINAL, JavaEmitter.TIMES, "L" + KERNEL_TIMES + ";", null, null).visitEnd();
    }
    boolean vectors = JavaVectors.any(program.allKernels());
    List<Kernel> kernels = program.allKernels();
    boolean handles = vectors && kernels.stream().anyMatch(JavaEmitter::isParallel);
    if (vectors) {
      writer.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, JavaVectors.SPECIES, AsmVectors.SPECIES_DESCRIPTOR,
          AsmVectors.SPECIES_SIGNATURE, null).visitEnd();
    }
    if (handles) {
      writer.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, JavaEmitter.PARTS, "[Ljava/lang/invoke/MethodHandle;", null, null)
          .visitEnd();
    }
    if (!program.constants().isEmpty() || vectors) {
      MethodVisitor clinit = writer.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
      clinit.visitCode();
      if (vectors) {
        AsmVectors.initialize(clinit, owner);
      }
      if (handles) {
        AsmExpressions.pushInt(clinit, kernels.size());
        clinit.visitTypeInsn(ANEWARRAY, "java/lang/invoke/MethodHandle");
        for (int id = 0; id < kernels.size(); id++) {
          if (JavaEmitter.isParallel(kernels.get(id))) {
            clinit.visitInsn(DUP);
            AsmExpressions.pushInt(clinit, id);
            clinit.visitLdcInsn(new org.objectweb.asm.Handle(H_INVOKESPECIAL, owner, kernels.get(id).name() + "Part", "(II)V", false));
            clinit.visitInsn(AASTORE);
          }
        }
        clinit.visitFieldInsn(PUTSTATIC, owner, JavaEmitter.PARTS, "[Ljava/lang/invoke/MethodHandle;");
      }
      for (Buffer constant : program.constants()) {
        AsmExpressions.pushStrings(clinit, dev.bytegrad.runtime.Constants.encode(constant.constant()));
        clinit.visitMethodInsn(INVOKESTATIC, "dev/bytegrad/runtime/Constants", constant.dtype().toString(),
            "([Ljava/lang/String;)" + arrayDescriptor(constant.dtype()), false);
        clinit.visitFieldInsn(PUTSTATIC, owner, constant.name(), arrayDescriptor(constant.dtype()));
      }
      clinit.visitInsn(RETURN);
      clinit.visitMaxs(0, 0);
      clinit.visitEnd();
    }
  }

  private void emitConstructor() {
    MethodVisitor method = writer.visitMethod(ACC_PUBLIC, "<init>", "([L" + TENSOR + ";)V", null, null);
    method.visitCode();
    method.visitVarInsn(ALOAD, 0);
    method.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    for (DType dtype : DType.values()) {
      if (program.arenaSize(dtype) > 0) {
        method.visitVarInsn(ALOAD, 0);
        AsmExpressions.pushInt(method, program.arenaSize(dtype));
        method.visitIntInsn(NEWARRAY, switch (dtype) {
          case F32 -> T_FLOAT;
          case F64 -> T_DOUBLE;
          case I32 -> T_INT;
        });
        method.visitFieldInsn(PUTFIELD, owner, JavaEmitter.arenaName(dtype), arrayDescriptor(dtype));
      }
    }
    if (timed) {
      method.visitVarInsn(ALOAD, 0);
      TimedKernels.create(method, program);
      method.visitFieldInsn(PUTFIELD, owner, JavaEmitter.TIMES, "L" + KERNEL_TIMES + ";");
    }
    for (Buffer parameter : program.parameters()) {
      bind(method, 1, parameter);
    }
    method.visitInsn(RETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
  }

  /** {@code kernelTimes()}: the field a timed class keeps its kernels' times in. */
  private void emitKernelTimes() {
    MethodVisitor method = writer.visitMethod(ACC_PUBLIC, "kernelTimes", "()L" + KERNEL_TIMES + ";", null, null);
    method.visitCode();
    method.visitVarInsn(ALOAD, 0);
    method.visitFieldInsn(GETFIELD, owner, JavaEmitter.TIMES, "L" + KERNEL_TIMES + ";");
    method.visitInsn(ARETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
  }

  private void emitRun() {
    MethodVisitor method = writer.visitMethod(ACC_PUBLIC, "run", "([L" + TENSOR + ";[L" + TENSOR + ";)V", null, null);
    method.visitCode();
    for (Buffer input : program.inputs()) {
      bind(method, 1, input);
    }
    for (Buffer output : program.outputs()) {
      bind(method, 2, output);
    }
    int clock = 3; // slots 0-2 hold this, inputs and outputs; the clock, a long, takes 3 and 4
    if (timed) {
      method.visitVarInsn(ALOAD, 0);
      method.visitFieldInsn(GETFIELD, owner, JavaEmitter.TIMES, "L" + KERNEL_TIMES + ";");
      method.visitMethodInsn(INVOKEVIRTUAL, KERNEL_TIMES, "start", "()J", false);
      method.visitVarInsn(LSTORE, clock);
    }
    for (int id = 0; id < program.kernels().size(); id++) {
      method.visitVarInsn(ALOAD, 0);
      method.visitMethodInsn(INVOKESPECIAL, owner, program.kernels().get(id).name(), "()V", false);
      if (timed) {
        method.visitVarInsn(ALOAD, 0);
        method.visitFieldInsn(GETFIELD, owner, JavaEmitter.TIMES, "L" + KERNEL_TIMES + ";");
        AsmExpressions.pushInt(method, id);
        method.visitVarInsn(LLOAD, clock);
        method.visitMethodInsn(INVOKEVIRTUAL, KERNEL_TIMES, "lap", "(IJ)J", false);
        method.visitVarInsn(LSTORE, clock);
      }
    }
    method.visitInsn(RETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
  }

  private void emitKernel(Kernel kernel) {
    boolean parallel = JavaEmitter.isParallel(kernel);
    MethodVisitor method = writer.visitMethod(ACC_PRIVATE, kernel.name() + (parallel ? "Part" : ""),
        parallel ? "(II)V" : descriptor(kernel), null, null);
    method.visitCode();
    int arguments = parallel ? 3 : 1 + kernel.parameters().size();
    // a timed loop reads the clock around each call into a long after the arguments (slots 2 wide)
    AsmExpressions expressions = new AsmExpressions(program, method, timed ? arguments + 2 : arguments);
    for (int i = 0; i < kernel.parameters().size(); i++) {
      expressions.parameter(kernel.parameters().get(i), 1 + i);
    }
    if (timed) {
      expressions.parameter(CLOCK, arguments);
    }
    for (Buffer buffer : concat(kernel.writes(), kernel.reads())) {
      if (expressions.declareArray(buffer)) {
        loadField(method, buffer);
        method.visitVarInsn(ASTORE, expressions.arraySlot(buffer));
      }
    }
    for (Stmt statement : kernel.body()) {
      if (!(parallel && statement instanceof Stmt.GemmEpoch)) {
        emitStatement(method, expressions, statement);
      }
    }
    method.visitInsn(RETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
  }

  /** The descriptor of a kernel's method: an int for each parameter. */
  private static String descriptor(Kernel kernel) {
    return "(" + "I".repeat(kernel.parameters().size()) + ")V";
  }

  private void emitStatement(MethodVisitor method, AsmExpressions expressions, Stmt statement) {
    if (statement instanceof Stmt.Loop loop) {
      emitLoop(method, expressions, loop);
    } else if (statement instanceof Stmt.PartLoop loop) {
      AsmParallel.emitPartLoop(method, expressions, loop, owner, inner -> emitStatement(method, expressions, inner));
    } else if (statement instanceof Stmt.Store store) {
      expressions.element(store.buffer(), store.index());
      expressions.emit(store.value());
      method.visitInsn(AsmExpressions.opcode(store.buffer().dtype(), IASTORE, FASTORE, DASTORE));
    } else if (statement instanceof Stmt.Declare declare) {
      expressions.emit(declare.init());
      expressions.store(declare.local());
    } else if (statement instanceof Stmt.Assign assign) {
      expressions.emit(assign.value());
      expressions.store(assign.local());
    } else if (statement instanceof Stmt.Call call) {
      if (timed) {
        method.visitMethodInsn(INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
        method.visitVarInsn(LSTORE, expressions.slot(CLOCK));
      }
      method.visitVarInsn(ALOAD, 0);
      call.arguments().forEach(expressions::emit);
      method.visitMethodInsn(INVOKESPECIAL, owner, call.kernel().name(), descriptor(call.kernel()), false);
      if (timed) {
        method.visitVarInsn(ALOAD, 0);
        method.visitFieldInsn(GETFIELD, owner, JavaEmitter.TIMES, "L" + KERNEL_TIMES + ";");
        AsmExpressions.pushInt(method, TimedKernels.index(program, call.kernel()));
        method.visitVarInsn(LLOAD, expressions.slot(CLOCK));
        method.visitMethodInsn(INVOKEVIRTUAL, KERNEL_TIMES, "lapInner", "(IJ)V", false);
      }
    } else if (statement instanceof Stmt.Apply apply) {
      expressions.arrayAndOffset(apply.src(), apply.srcOffset());
      expressions.arrayAndOffset(apply.dst(), apply.dstOffset());
      AsmExpressions.pushInt(method, apply.n());
      method.visitMethodInsn(INVOKESTATIC, "dev/bytegrad/runtime/Vectors", apply.function(), "([FI[FII)V", false);
    } else if (statement instanceof Stmt.GemmEpoch) {
      method.visitMethodInsn(INVOKESTATIC, "dev/bytegrad/runtime/Gemm", "newEpoch", "()V", false);
    } else {
      emitGemm(method, expressions, (Stmt.Gemm) statement);
    }
  }

  private void emitLoop(MethodVisitor method, AsmExpressions expressions, Stmt.Loop loop) {
    if (loop.vector()) {
      AsmExpressions.pushInt(method, 0);
      expressions.store(loop.index());
      Expr end = new Expr.Const(DType.I32, loop.extent());
      new AsmVectors(owner, method, expressions).loop(loop.index(), end, loop.body(),
          statement -> emitStatement(method, expressions, statement));
      return;
    }
    Label condition = new Label();
    Label end = new Label();
    AsmExpressions.pushInt(method, 0);
    expressions.store(loop.index());
    method.visitLabel(condition);
    expressions.emit(loop.index());
    AsmExpressions.pushInt(method, loop.extent());
    method.visitJumpInsn(IF_ICMPGE, end);
    for (Stmt statement : loop.body()) {
      emitStatement(method, expressions, statement);
    }
    method.visitIincInsn(expressions.slot(loop.index()), 1);
    method.visitJumpInsn(GOTO, condition);
    method.visitLabel(end);
  }

  /**
   * {@code Gemm.sgemm(...)} (or its f64, constant-B or gathered form: B the rows of the table {@code gemm.b()}
   * picked by {@code gemm.rows()}).
   */
  private void emitGemm(MethodVisitor method, AsmExpressions expressions, Stmt.Gemm gemm) {
    AsmExpressions.pushInt(method, gemm.transA() ? 1 : 0);
    AsmExpressions.pushInt(method, gemm.transB() ? 1 : 0);
    AsmExpressions.pushInt(method, gemm.m());
    AsmExpressions.pushInt(method, gemm.n());
    AsmExpressions.pushInt(method, gemm.k());
    expressions.arrayAndOffset(gemm.a(), gemm.aOffset());
    AsmExpressions.pushInt(method, gemm.lda());
    expressions.arrayAndOffset(gemm.b(), gemm.bOffset());
    boolean gathered = gemm.rows() != null;
    if (gathered) {
      AsmExpressions.pushInt(method, gemm.rowLength());
      expressions.arrayAndOffset(gemm.rows(), new dev.bytegrad.codegen.loop.Expr.Const(DType.I32, 0));
    }
    AsmExpressions.pushInt(method, gemm.ldb());
    expressions.arrayAndOffset(gemm.c(), gemm.cOffset());
    AsmExpressions.pushInt(method, gemm.ldc());
    String array = arrayDescriptor(gemm.c().dtype());
    String descriptor = "(ZZIII" + array + "II" + array + (gathered ? "II[I" : "") + "II" + array + "II)V";
    String name = gemm.c().dtype() != DType.F32 ? "dgemm" : gathered ? "sgemmGathered" : gemm.constantB() ? "sgemmConstantB" : "sgemm";
    method.visitMethodInsn(INVOKESTATIC, "dev/bytegrad/runtime/Gemm", name, descriptor, false);
  }

  /** {@code this.field = Bind.f32(tensors[slot], size, "name")}, the tensors array in local {@code arrayLocal}. */
  private void bind(MethodVisitor method, int arrayLocal, Buffer buffer) {
    method.visitVarInsn(ALOAD, 0);
    method.visitVarInsn(ALOAD, arrayLocal);
    AsmExpressions.pushInt(method, buffer.slot());
    method.visitInsn(AALOAD);
    AsmExpressions.pushInt(method, buffer.size());
    method.visitLdcInsn(buffer.name());
    method.visitMethodInsn(INVOKESTATIC, BIND, buffer.dtype().toString(),
        "(L" + TENSOR + ";ILjava/lang/String;)" + arrayDescriptor(buffer.dtype()), false);
    method.visitFieldInsn(PUTFIELD, owner, buffer.name(), arrayDescriptor(buffer.dtype()));
  }

  private void loadField(MethodVisitor method, Buffer buffer) {
    String descriptor = arrayDescriptor(buffer.dtype());
    if (buffer.kind() == Buffer.Kind.CONSTANT) {
      method.visitFieldInsn(GETSTATIC, owner, buffer.name(), descriptor);
      return;
    }
    method.visitVarInsn(ALOAD, 0);
    String field = buffer.kind() == Buffer.Kind.TEMPORARY ? JavaEmitter.arenaName(buffer.dtype()) : buffer.name();
    method.visitFieldInsn(GETFIELD, owner, field, descriptor);
  }

  static String arrayDescriptor(DType dtype) {
    return "[" + primitiveDescriptor(dtype);
  }

  static String primitiveDescriptor(DType dtype) {
    return switch (dtype) {
      case F32 -> Type.FLOAT_TYPE.getDescriptor();
      case F64 -> Type.DOUBLE_TYPE.getDescriptor();
      case I32 -> Type.INT_TYPE.getDescriptor();
    };
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
