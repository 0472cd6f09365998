package dev.bytegrad.graph;

import java.security.CodeSource;
import java.util.Objects;

/**
 * Where in the user's code a node was created: the first stack frame outside bytegrad's graph module
 * and outside the JDK. Errors at graph-build time name it, so a bad shape points at the user's line.
 */
public record CallSite(String file, int line, String method) {
  /** Used when no frame outside the library exists (a node built by bytegrad itself). */
  public static final CallSite UNKNOWN = new CallSite("unknown", -1, "unknown");

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final CodeSource LIBRARY = CallSite.class.getProtectionDomain().getCodeSource();
  private static final ClassValue<Boolean> INTERNAL = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      ClassLoader loader = type.getClassLoader();
      if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
        return true;
      }
      return Objects.equals(type.getProtectionDomain().getCodeSource(), LIBRARY);
    }
  };

  /** The call site of the code that is calling into the graph library right now. */
  public static CallSite capture() {
    return WALKER.walk(frames -> frames
        .filter(frame -> !INTERNAL.get(frame.getDeclaringClass()))
        .findFirst()
        .map(frame -> new CallSite(String.valueOf(frame.getFileName()), frame.getLineNumber(),
            frame.getClassName() + "." + frame.getMethodName()))
        .orElse(UNKNOWN));
  }

  /** {@code Model.java:42}. */
  @Override
  public String toString() {
    return file + ":" + line;
  }
}
