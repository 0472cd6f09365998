package dev.bytegrad.codegen.emit;

import static org.objectweb.asm.Opcodes.*;

import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.loop.Stmt;
import java.util.List;
import org.objectweb.asm.MethodVisitor;

/**
 * What a class compiled with timed kernels says of its kernels (see {@code dev.bytegrad.runtime.KernelTimes}):
 * what each computes, in one line; the kernels its loops call, and which loop calls each. Both emitters
 * write these into the class; {@link #create} is the bytecode that builds its {@code KernelTimes}.
 */
final class TimedKernels {
  private static final String KERNEL_TIMES = "dev/bytegrad/runtime/KernelTimes";

  private TimedKernels() {}

  /** The kernels loops call (a scan's step), in the order {@link Program#allKernels} has them. */
  static List<Kernel> inner(Program program) {
    return program.allKernels().subList(program.kernels().size(), program.allKernels().size());
  }

  /** For each of {@code inner}, the number of the kernel of {@code run} whose loop calls it. */
  static int[] loops(Program program, List<Kernel> inner) {
    int[] loops = new int[inner.size()];
    for (int loop = program.kernels().size() - 1; loop >= 0; loop--) {
      java.util.Set<String> called = new java.util.HashSet<>();
      calls(program.kernels().get(loop).body(), called);
      for (int i = 0; i < inner.size(); i++) {
        if (called.contains(inner.get(i).name())) {
          loops[i] = loop;
        }
      }
    }
    return loops;
  }

  private static void calls(List<Stmt> body, java.util.Set<String> into) {
    for (Stmt statement : body) {
      if (statement instanceof Stmt.Loop loop) {
        calls(loop.body(), into);
      } else if (statement instanceof Stmt.PartLoop loop) {
        calls(loop.body(), into);
      } else if (statement instanceof Stmt.Call call && into.add(call.kernel().name())) {
        calls(call.kernel().body(), into);
      }
    }
  }

  /** The number of {@code kernel} among the kernels loops call. */
  static int index(Program program, Kernel kernel) {
    return inner(program).stream().map(Kernel::name).toList().indexOf(kernel.name());
  }

  /**
   * What a kernel computes, in one line for a table: its first graph node, and how many more it
   * computes (nodes fused into it are not counted: they are part of the first).
   */
  static String computes(Kernel kernel) {
    List<String> roots = kernel.comment().lines().filter(line -> line.startsWith("%")).toList();
    // a scan's loop: its first line says what loop it is ("loop of 32 steps, computing:"), its nodes follow
    String first = roots.isEmpty() ? kernel.comment().lines().findFirst().orElse(kernel.name()).replaceFirst(", computing:$", "")
        : roots.get(0);
    return roots.size() > 1 ? first + " (and " + (roots.size() - 1) + " more)" : first;
  }

  /** Bytecode that leaves a new {@code KernelTimes} for {@code program}'s kernels on the stack. */
  static void create(MethodVisitor method, Program program) {
    method.visitTypeInsn(NEW, KERNEL_TIMES);
    method.visitInsn(DUP);
    AsmExpressions.pushStrings(method, program.kernels().stream().map(Kernel::name).toList());
    AsmExpressions.pushStrings(method, program.kernels().stream().map(TimedKernels::computes).toList());
    List<Kernel> inner = inner(program);
    if (inner.isEmpty()) {
      method.visitMethodInsn(INVOKESPECIAL, KERNEL_TIMES, "<init>", "([Ljava/lang/String;[Ljava/lang/String;)V", false);
    } else {
      AsmExpressions.pushStrings(method, inner.stream().map(Kernel::name).toList());
      AsmExpressions.pushStrings(method, inner.stream().map(TimedKernels::computes).toList());
      int[] loops = loops(program, inner);
      AsmExpressions.pushInt(method, loops.length);
      method.visitIntInsn(NEWARRAY, T_INT);
      for (int i = 0; i < loops.length; i++) {
        method.visitInsn(DUP);
        AsmExpressions.pushInt(method, i);
        AsmExpressions.pushInt(method, loops[i]);
        method.visitInsn(IASTORE);
      }
      method.visitMethodInsn(INVOKESPECIAL, KERNEL_TIMES, "<init>",
          "([Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/String;[I)V", false);
    }
  }
}
