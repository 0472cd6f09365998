package dev.bytegrad.codegen.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Expr;
import dev.bytegrad.codegen.loop.ScalarOp;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.runtime.Bind;
import dev.bytegrad.runtime.CompiledFunction;
import dev.bytegrad.runtime.Constants;
import dev.bytegrad.runtime.DType;
import dev.bytegrad.runtime.Gemm;
import dev.bytegrad.runtime.KernelTimes;
import dev.bytegrad.runtime.Parallel;
import dev.bytegrad.runtime.Vectors;
import dev.bytegrad.runtime.Scalars;
import dev.bytegrad.runtime.Tensor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Renders a program as readable Java source with JavaPoet: one class implementing
 * {@link CompiledFunction}, which compiles against the runtime jar alone (and the JDK's module
 * {@code jdk.incubator.vector} when the program has vector loops). Mirrors {@link AsmEmitter} method for
 * method; expressions are rendered by {@link JavaExpressions}, vector loops by {@link JavaVectors}.
 */
public final class JavaEmitter {
  /** The field of a program with vector loops holding its part methods' handles, by kernel number. */
  static final String PARTS = "PARTS";

  /** The field of a timed class holding its kernels' times. */
  static final String TIMES = "times";

  /** The package generated classes are declared in. */
  public static final String PACKAGE = "dev.bytegrad.generated";

  private static final ClassName TENSOR = ClassName.get(Tensor.class);
  private final Program program;
  private final String packageName;
  private final JavaExpressions expressions;
  private final JavaVectors vectors;
  private final boolean timed;

  private JavaEmitter(Program program, String packageName, boolean timed) {
    this.program = program;
    this.packageName = packageName;
    this.timed = timed;
    this.expressions = new JavaExpressions(program);
    this.vectors = new JavaVectors(expressions);
  }

  /** The source file of {@code program}'s class in {@link #PACKAGE}. */
  public static String emit(Program program) {
    return emit(program, PACKAGE);
  }

  /** The source file of {@code program}'s class in package {@code packageName}. */
  public static String emit(Program program, String packageName) {
    return emit(program, packageName, false);
  }

  /**
   * The source file of {@code program}'s class in package {@code packageName}; with {@code timed}, its
   * {@code run} reads the clock after each kernel into a {@link KernelTimes} the class gives out as
   * {@link KernelTimes.Timed}.
   */
  public static String emit(Program program, String packageName, boolean timed) {
    if (!packageName.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*")) {
      throw new IllegalArgumentException("'" + packageName + "' is not a package name like com.example.models");
    }
    return new JavaEmitter(program, packageName, timed).emitClass().toString();
  }

  private JavaFile emitClass() {
    TypeSpec.Builder type = TypeSpec.classBuilder(program.name())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(CompiledFunction.class)
        .addJavadoc(Describe.program(program));
    emitFields(type);
    type.addMethod(emitConstructor());
    type.addMethod(emitRun());
    if (timed) {
      emitKernelTimes(type);
    }
    List<Kernel> kernels = program.allKernels();
    for (Kernel kernel : kernels) {
      if (isParallel(kernel)) {
        MethodSpec.Builder dispatch = MethodSpec.methodBuilder(kernel.name()).addModifiers(Modifier.PRIVATE)
            .addJavadoc("$L\n", kernel.comment().replace("\n", "\n<br>"))
            .addJavadoc("\n<p>Split over the threads of the matrix products: see {@link #$LPart}.\n", kernel.name());
        kernel.body().stream().filter(statement -> statement instanceof Stmt.GemmEpoch)
            .forEach(statement -> dispatch.addCode(emitStatement(statement)));
        Stmt.PartLoop parts = partLoop(kernel);
        if (parts.chunks()) {
          dispatch.addStatement("$T.runChunks(this, $L, $L)", Parallel.class, kernels.indexOf(kernel), parts.extent());
        } else {
          dispatch.addStatement("$T.run(this, $L, $LL)", Parallel.class, kernels.indexOf(kernel), parts.elements());
        }
        type.addMethod(dispatch.build());
      }
      type.addMethod(emitKernel(kernel));
    }
    if (kernels.stream().anyMatch(JavaEmitter::isParallel)) {
      type.addSuperinterface(Parallel.Kernels.class);
      if (JavaVectors.any(kernels)) {
        JavaParallel.emitPartHandles(type, program.name(), kernels);
      } else {
        JavaParallel.emitPartSwitch(type, kernels);
      }
    }
    return JavaFile.builder(packageName, type.build())
        .addFileComment("Generated by bytegrad. Do not edit: regenerate it from the model.")
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private void emitFields(TypeSpec.Builder type) {
    if (JavaVectors.any(program.allKernels())) {
      type.addField(FieldSpec.builder(ParameterizedTypeName.get(JavaVectors.VECTOR_SPECIES, ClassName.get(Float.class)),
          JavaVectors.SPECIES, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
          .initializer("$T.SPECIES_PREFERRED", JavaVectors.FLOAT_VECTOR).build());
    }
    for (Buffer constant : program.constants()) {
      type.addField(FieldSpec.builder(arrayOf(constant.dtype()), constant.name(), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
          .initializer("$T.$L($L)", Constants.class, suffix(constant.dtype()), CodeBlock.join(
              Constants.encode(constant.constant()).stream().map(chunk -> CodeBlock.of("$S", chunk)).toList(), ", "))
          .build());
    }
    for (DType dtype : DType.values()) {
      if (program.arenaSize(dtype) > 0) {
        type.addField(FieldSpec.builder(arrayOf(dtype), arenaName(dtype), Modifier.PRIVATE, Modifier.FINAL)
            .initializer("new $T[$L]", primitive(dtype), program.arenaSize(dtype)).build());
      }
    }
    for (Buffer parameter : program.parameters()) {
      type.addField(arrayOf(parameter.dtype()), parameter.name(), Modifier.PRIVATE, Modifier.FINAL);
    }
    for (Buffer buffer : concat(program.inputs(), program.outputs())) {
      type.addField(arrayOf(buffer.dtype()), buffer.name(), Modifier.PRIVATE);
    }
  }

  private MethodSpec emitConstructor() {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("Binds the parameters, in this order: $L.\n", names(program.parameters()))
        .addParameter(ArrayTypeName.of(TENSOR), "parameters");
    for (Buffer parameter : program.parameters()) {
      constructor.addStatement("this.$L = $L", parameter.name(), bind("parameters", parameter));
    }
    return constructor.build();
  }

  private MethodSpec emitRun() {
    MethodSpec.Builder run = MethodSpec.methodBuilder("run").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(ArrayTypeName.of(TENSOR), "inputs")
        .addParameter(ArrayTypeName.of(TENSOR), "outputs");
    for (Buffer input : program.inputs()) {
      run.addStatement("$L = $L", input.name(), bind("inputs", input));
    }
    for (Buffer output : program.outputs()) {
      run.addStatement("$L = $L", output.name(), bind("outputs", output));
    }
    if (timed) {
      run.addStatement("long clock = $L.start()", TIMES);
    }
    for (int id = 0; id < program.kernels().size(); id++) {
      run.addStatement("$L()", program.kernels().get(id).name());
      if (timed) {
        run.addStatement("clock = $L.lap($L, clock)", TIMES, id);
      }
    }
    return run.build();
  }

  /**
   * The {@link KernelTimes} field of a timed class, naming its kernels, those its loops call, what each
   * computes and which loop calls it; and its getter.
   */
  private void emitKernelTimes(TypeSpec.Builder type) {
    List<Kernel> kernels = program.kernels();
    List<Kernel> inner = TimedKernels.inner(program);
    type.addSuperinterface(KernelTimes.Timed.class);
    CodeBlock.Builder times = CodeBlock.builder().add("new $T(\n$>new String[] {$L},\nnew String[] {$L}", KernelTimes.class,
        CodeBlock.join(kernels.stream().map(kernel -> CodeBlock.of("$S", kernel.name())).toList(), ", "),
        CodeBlock.join(kernels.stream().map(kernel -> CodeBlock.of("$S", TimedKernels.computes(kernel))).toList(), ",\n"));
    if (!inner.isEmpty()) {
      times.add(",\nnew String[] {$L},\nnew String[] {$L},\nnew int[] {$L}",
          CodeBlock.join(inner.stream().map(kernel -> CodeBlock.of("$S", kernel.name())).toList(), ", "),
          CodeBlock.join(inner.stream().map(kernel -> CodeBlock.of("$S", TimedKernels.computes(kernel))).toList(), ",\n"),
          CodeBlock.join(java.util.Arrays.stream(TimedKernels.loops(program, inner)).mapToObj(loop -> CodeBlock.of("$L", loop)).toList(), ", "));
    }
    type.addField(FieldSpec.builder(KernelTimes.class, TIMES, Modifier.PRIVATE, Modifier.FINAL)
        .initializer(times.add("$<)").build()).build());
    type.addMethod(MethodSpec.methodBuilder("kernelTimes").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(KernelTimes.class).addStatement("return $L", TIMES).build());
  }

  /**
   * Whether a kernel runs in parts on several threads: its body is one {@link Stmt.PartLoop}, after the
   * declarations of the scalars it reads (each part declares them) and the start of a GEMM epoch (which
   * the method that splits it runs, once).
   */
  static boolean isParallel(Kernel kernel) {
    List<Stmt> body = kernel.body();
    return !body.isEmpty() && body.get(body.size() - 1) instanceof Stmt.PartLoop
        && body.subList(0, body.size() - 1).stream().allMatch(stmt -> stmt instanceof Stmt.Declare || stmt instanceof Stmt.GemmEpoch);
  }

  /** The loop over parts of a parallel kernel. */
  static Stmt.PartLoop partLoop(Kernel kernel) {
    return (Stmt.PartLoop) kernel.body().get(kernel.body().size() - 1);
  }

  private MethodSpec emitKernel(Kernel kernel) {
    boolean parallel = isParallel(kernel);
    MethodSpec.Builder method = MethodSpec.methodBuilder(kernel.name() + (parallel ? "Part" : "")).addModifiers(Modifier.PRIVATE);
    if (parallel) {
      method.addJavadoc(partLoop(kernel).chunks() ? "Part {@code part} of {@code parts} of {@link #$L}: a share of its chunks of rows.\n"
              : "Part {@code part} of {@code parts} of {@link #$L}: a share of its outer loop.\n", kernel.name())
          .addParameter(int.class, "part").addParameter(int.class, "parts");
    } else {
      method.addJavadoc("$L\n", kernel.comment().replace("\n", "\n<br>"));
    }
    for (Expr.Var parameter : kernel.parameters()) {
      method.addParameter(int.class, parameter.name());
    }
    if (usesTanh(kernel.body())) {
      method.addJavadoc("\n<p>tanh is {@link $T#tanh}, several times faster than Math's.\n", Scalars.class);
    }
    for (Buffer buffer : arrays(kernel)) {
      String owner = buffer.kind() == Buffer.Kind.CONSTANT ? program.name() : "this";
      method.addStatement("final $T $L = $L.$L", arrayOf(buffer.dtype()), expressions.array(buffer), owner, expressions.array(buffer));
    }
    for (Stmt statement : kernel.body()) {
      if (!(parallel && statement instanceof Stmt.GemmEpoch)) {
        method.addCode(emitStatement(statement));
      }
    }
    return method.build();
  }

  private CodeBlock emitStatement(Stmt statement) {
    if (statement instanceof Stmt.Loop loop) {
      return emitLoop(loop);
    } else if (statement instanceof Stmt.PartLoop loop && loop.vector()) {
      return CodeBlock.builder().add("{\n").indent()
          .addStatement("int $L = $T.start($L, part, parts)", loop.index().name(), Parallel.class, loop.extent())
          .addStatement("int $LEnd = $T.start($L, part + 1, parts)", loop.index().name(), Parallel.class, loop.extent())
          .add(vectors.loop(loop.index().name(), loop.index().name() + "End", loop.body(), scalar(loop.body())))
          .unindent().add("}\n").build();
    } else if (statement instanceof Stmt.PartLoop loop) {
      CodeBlock.Builder code = CodeBlock.builder().beginControlFlow(
          "for (int $1L = $3T.start($2L, part, parts), $1LEnd = $3T.start($2L, part + 1, parts); $1L < $1LEnd; $1L++)",
          loop.index().name(), loop.extent(), Parallel.class);
      loop.body().forEach(inner -> code.add(emitStatement(inner)));
      return code.endControlFlow().build();
    } else if (statement instanceof Stmt.Store store) {
      return CodeBlock.of("$L = $L;\n", expressions.element(store.buffer(), store.index()), expressions.render(store.value()));
    } else if (statement instanceof Stmt.Declare declare) {
      return CodeBlock.of("$T $L = $L;\n", primitive(declare.local().dtype()), declare.local().name(), expressions.render(declare.init()));
    } else if (statement instanceof Stmt.Assign assign) {
      return CodeBlock.of("$L = $L;\n", assign.local().name(), expressions.render(assign.value()));
    } else if (statement instanceof Stmt.Call call) {
      CodeBlock invocation = CodeBlock.of("$L($L);\n", call.kernel().name(),
          CodeBlock.join(call.arguments().stream().map(argument -> CodeBlock.of("$L", expressions.render(argument))).toList(), ", "));
      return !timed ? invocation : CodeBlock.builder().add("{\n").indent().addStatement("long clock = System.nanoTime()")
          .add(invocation).addStatement("$L.lapInner($L, clock)", TIMES, TimedKernels.index(program, call.kernel())).unindent().add("}\n").build();
    } else if (statement instanceof Stmt.GemmEpoch) {
      return CodeBlock.of("$T.newEpoch();\n", Gemm.class);
    } else if (statement instanceof Stmt.Apply apply) {
      return CodeBlock.of("$T.$L($L, $L, $L, $L, $L);\n", Vectors.class, apply.function(), expressions.array(apply.src()),
          expressions.offset(apply.src(), apply.srcOffset()), expressions.array(apply.dst()),
          expressions.offset(apply.dst(), apply.dstOffset()), apply.n());
    }
    return emitGemm((Stmt.Gemm) statement);
  }

  private CodeBlock emitLoop(Stmt.Loop loop) {
    if (loop.vector()) {
      return CodeBlock.builder().add("{\n").indent()
          .addStatement("int $L = 0", loop.index().name())
          .add(vectors.loop(loop.index().name(), Integer.toString(loop.extent()), loop.body(), scalar(loop.body())))
          .unindent().add("}\n").build();
    }
    CodeBlock.Builder code = CodeBlock.builder()
        .beginControlFlow("for (int $1L = 0; $1L < $2L; $1L++)", loop.index().name(), loop.extent());
    loop.body().forEach(statement -> code.add(emitStatement(statement)));
    return code.endControlFlow().build();
  }

  private CodeBlock scalar(List<Stmt> body) {
    CodeBlock.Builder code = CodeBlock.builder();
    body.forEach(statement -> code.add(emitStatement(statement)));
    return code.build();
  }

  private CodeBlock emitGemm(Stmt.Gemm gemm) {
    if (gemm.rows() != null) {
      return CodeBlock.of("$T.sgemmGathered($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L);\n", Gemm.class,
          gemm.transA(), gemm.transB(), gemm.m(), gemm.n(), gemm.k(),
          expressions.array(gemm.a()), expressions.offset(gemm.a(), gemm.aOffset()), gemm.lda(),
          expressions.array(gemm.b()), expressions.offset(gemm.b(), gemm.bOffset()), gemm.rowLength(),
          expressions.array(gemm.rows()), expressions.offset(gemm.rows(), new dev.bytegrad.codegen.loop.Expr.Const(DType.I32, 0)), gemm.ldb(),
          expressions.array(gemm.c()), expressions.offset(gemm.c(), gemm.cOffset()), gemm.ldc());
    }
    return CodeBlock.of("$T.$L($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L);\n", Gemm.class,
        gemm.c().dtype() == DType.F32 ? (gemm.constantB() ? "sgemmConstantB" : "sgemm") : "dgemm", gemm.transA(), gemm.transB(), gemm.m(), gemm.n(), gemm.k(),
        expressions.array(gemm.a()), expressions.offset(gemm.a(), gemm.aOffset()), gemm.lda(),
        expressions.array(gemm.b()), expressions.offset(gemm.b(), gemm.bOffset()), gemm.ldb(),
        expressions.array(gemm.c()), expressions.offset(gemm.c(), gemm.cOffset()), gemm.ldc());
  }

  private static boolean usesTanh(List<Stmt> body) {
    for (Stmt statement : body) {
      if (statement instanceof Stmt.Loop loop ? usesTanh(loop.body())
          : statement instanceof Stmt.PartLoop loop ? usesTanh(loop.body())
          : statement instanceof Stmt.Store store ? usesTanh(store.value())
          : statement instanceof Stmt.Declare declare ? usesTanh(declare.init())
          : statement instanceof Stmt.Assign assign && usesTanh(assign.value())) {
        return true;
      }
    }
    return false;
  }

  private static boolean usesTanh(Expr expr) {
    if (expr instanceof Expr.Unary unary) {
      return unary.op() == ScalarOp.TANH || usesTanh(unary.operand());
    } else if (expr instanceof Expr.Binary binary) {
      return usesTanh(binary.left()) || usesTanh(binary.right());
    } else if (expr instanceof Expr.Select select) {
      return usesTanh(select.condition()) || usesTanh(select.ifTrue()) || usesTanh(select.ifFalse());
    } else if (expr instanceof Expr.Cast cast) {
      return usesTanh(cast.operand());
    }
    return false;
  }

  /** The arrays a kernel touches, each once: arenas stand for their temporaries. */
  private Set<Buffer> arrays(Kernel kernel) {
    Set<Buffer> arrays = new LinkedHashSet<>();
    Set<String> names = new java.util.HashSet<>();
    for (Buffer buffer : concat(kernel.writes(), kernel.reads())) {
      if (names.add(expressions.array(buffer))) {
        arrays.add(buffer);
      }
    }
    return arrays;
  }

  private static CodeBlock bind(String array, Buffer buffer) {
    return CodeBlock.of("$T.$L($L[$L], $L, $S)", Bind.class, suffix(buffer.dtype()), array, buffer.slot(), buffer.size(), buffer.name());
  }

  static String arenaName(DType dtype) {
    return "arena" + dtype.name().charAt(0) + dtype.name().substring(1);
  }

  private static String suffix(DType dtype) {
    return dtype.toString();
  }

  private static TypeName primitive(DType dtype) {
    return switch (dtype) {
      case F32 -> TypeName.FLOAT;
      case F64 -> TypeName.DOUBLE;
      case I32 -> TypeName.INT;
    };
  }

  private static TypeName arrayOf(DType dtype) {
    return ArrayTypeName.of(primitive(dtype));
  }

  private static String names(List<Buffer> buffers) {
    return buffers.isEmpty() ? "none" : String.join(", ", buffers.stream().map(Buffer::name).toList());
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
