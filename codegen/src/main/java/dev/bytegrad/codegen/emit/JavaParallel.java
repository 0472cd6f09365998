package dev.bytegrad.codegen.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.bytegrad.codegen.loop.Kernel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The {@code runPart} of a class whose kernels split over threads, for {@link JavaEmitter}: a switch over
 * the kernels' numbers, or, with vector loops, method handles. {@link AsmParallel} writes the same as
 * bytecode.
 */
final class JavaParallel {
  private JavaParallel() {}

  /** {@code runPart}: a switch over the parallel kernels' numbers, calling their part methods. */
  static void emitPartSwitch(TypeSpec.Builder type, List<Kernel> kernels) {
    MethodSpec.Builder runPart = MethodSpec.methodBuilder("runPart").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(int.class, "kernel").addParameter(int.class, "part").addParameter(int.class, "parts")
        .beginControlFlow("switch (kernel)");
    for (int id = 0; id < kernels.size(); id++) {
      if (JavaEmitter.isParallel(kernels.get(id))) {
        runPart.addStatement("case $L -> $LPart(part, parts)", id, kernels.get(id).name());
      }
    }
    runPart.addStatement("default -> throw new $T(\"no parallel kernel\")", IllegalArgumentException.class);
    type.addMethod(runPart.endControlFlow().build());
  }

  /**
   * The part methods of a program with vector loops, called through method handles, which C2 does not
   * inline through: each part method is then compiled on its own. Inlined into one dispatch (a switch),
   * LeNet's part kernels outgrew what C2 inlines in one method, and a vector loop ran the Vector API's
   * allocating fallback, 1.6 MB a step.
   */
  static void emitPartHandles(TypeSpec.Builder type, String className, List<Kernel> kernels) {
    ClassName handle = ClassName.get(MethodHandle.class);
    MethodSpec.Builder parts = MethodSpec.methodBuilder("parts").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(ArrayTypeName.of(handle))
        .addStatement("$T lookup = $T.lookup()", MethodHandles.Lookup.class, MethodHandles.class)
        .addStatement("$T type = $T.methodType(void.class, int.class, int.class)", MethodType.class, MethodType.class)
        .addStatement("$T[] parts = new $T[$L]", handle, handle, kernels.size())
        .beginControlFlow("try");
    for (int id = 0; id < kernels.size(); id++) {
      if (JavaEmitter.isParallel(kernels.get(id))) {
        parts.addStatement("parts[$L] = lookup.findVirtual($L.class, $S, type)", id, className, kernels.get(id).name() + "Part");
      }
    }
    parts.nextControlFlow("catch ($T e)", ReflectiveOperationException.class)
        .addStatement("throw new $T(e)", ExceptionInInitializerError.class)
        .endControlFlow()
        .addStatement("return parts");
    type.addField(FieldSpec.builder(ArrayTypeName.of(handle), JavaEmitter.PARTS, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("parts()").build());
    type.addMethod(parts.build());
    type.addMethod(MethodSpec.methodBuilder("runPart").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(int.class, "kernel").addParameter(int.class, "part").addParameter(int.class, "parts")
        .beginControlFlow("try")
        .addStatement("$L[kernel].invoke((Object) this, part, parts)", JavaEmitter.PARTS)
        .nextControlFlow("catch ($T | $T e)", RuntimeException.class, Error.class)
        .addStatement("throw e")
        .nextControlFlow("catch ($T e)", Throwable.class)
        .addStatement("throw new $T(e)", IllegalStateException.class)
        .endControlFlow()
        .build());
  }
}
