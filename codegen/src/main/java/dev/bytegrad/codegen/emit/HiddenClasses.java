package dev.bytegrad.codegen.emit;

import java.lang.invoke.MethodHandles;

/**
 * Defines emitted class files as hidden classes of this package: unnamed to every class loader, and
 * unloaded with their last instance, so compiling many functions leaks nothing.
 */
public final class HiddenClasses {
  /** Where emitted classes live: a hidden class must share its lookup's package. */
  public static final String PACKAGE = "dev/bytegrad/codegen/emit/";

  private HiddenClasses() {}

  /** Defines {@code classFile}, whose name must be in {@link #PACKAGE}. */
  public static Class<?> define(byte[] classFile) {
    try {
      return MethodHandles.lookup().defineHiddenClass(classFile, true).lookupClass();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot define a hidden class in " + PACKAGE, e);
    }
  }
}
