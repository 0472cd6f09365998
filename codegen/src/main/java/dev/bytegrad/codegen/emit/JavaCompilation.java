package dev.bytegrad.codegen.emit;

import dev.bytegrad.runtime.CompiledFunction;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles generated Java source in memory with the JDK's compiler ({@code javax.tools}) against the
 * runtime alone — the same classpath an ahead-of-time user has — and loads the result.
 */
public final class JavaCompilation {
  private JavaCompilation() {}

  /** Compiles {@code source}, declaring {@code qualifiedName}, and loads that class. */
  public static Class<?> compile(String qualifiedName, String source) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("no Java compiler in this runtime: the javapoet backend needs a JDK, not a JRE");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> classes = new HashMap<>();
    JavaFileManager files = new ForwardingJavaFileManager<>(compiler.getStandardFileManager(diagnostics, null, null)) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            return classes.computeIfAbsent(name, n -> new ByteArrayOutputStream());
          }
        };
      }
    };
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + qualifiedName.replace('.', '/') + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    List<String> options = new java.util.ArrayList<>(
        List.of("--release", "17", "-classpath", runtimeClasspath(), "-g:none", "-nowarn"));
    if (source.contains("jdk.incubator.vector")) {
      // vector loops (see Vectorization): the JVM running this has the module, or they were not emitted
      options.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    }
    if (!compiler.getTask(null, files, diagnostics, options, null, List.of(file)).call()) {
      throw new IllegalStateException("generated source for " + qualifiedName + " does not compile: " + diagnostics.getDiagnostics());
    }
    return load(qualifiedName, classes);
  }

  /** Where the runtime's classes are: its jar, or its classes folder in a build. */
  public static String runtimeClasspath() {
    try {
      return Path.of(CompiledFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the runtime's classes", e);
    }
  }

  private static Class<?> load(String qualifiedName, Map<String, ByteArrayOutputStream> classes) {
    ClassLoader loader = new ClassLoader(CompiledFunction.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        ByteArrayOutputStream bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        byte[] code = bytes.toByteArray();
        return defineClass(name, code, 0, code.length);
      }
    };
    try {
      return loader.loadClass(qualifiedName);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("compiled source did not declare " + qualifiedName, e);
    }
  }
}
