package dev.bytegrad.codegen;

import java.util.Locale;

/** How a graph function runs: the reference interpreter, ASM bytecode, or JavaPoet source compiled by javac. */
public enum Backend {
  INTERPRETER, ASM, JAVAPOET;

  /** The lower-case name the command line uses. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code asm}, {@code javapoet} or {@code interpreter}. */
  public static Backend parse(String text) {
    for (Backend backend : values()) {
      if (backend.toString().equals(text)) {
        return backend;
      }
    }
    throw new IllegalArgumentException("unknown backend '" + text + "'; choose asm, javapoet or interpreter");
  }
}
