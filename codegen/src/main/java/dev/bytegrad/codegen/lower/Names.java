package dev.bytegrad.codegen.lower;

import dev.bytegrad.graph.Node;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Java identifiers for buffers, made from the DSL's names: anything but letters and digits becomes
 * {@code _}, a leading digit or a keyword gets a prefix, and repeats get a number. No user name can
 * reach generated source unsanitized.
 */
final class Names {
  private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
      "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
      "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
      "native", "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
      "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile",
      "while", "true", "false", "null", "var", "yield", "record", "sealed", "permits", "_");

  private final Set<String> taken = new HashSet<>(Set.of("run", "inputs", "outputs", "parameters", "arenaF32",
      "arenaF64", "arenaI32", "acc", "batch", "step", "Gemm", "Constants", "Tensor", "Math", "times", "clock", "kernelTimes",
      "KernelTimes"));

  /** A fresh identifier from {@code text}. */
  String of(String text) {
    StringBuilder name = new StringBuilder();
    for (char c : text.toCharArray()) {
      name.append(c < 128 && Character.isLetterOrDigit(c) ? c : '_');
    }
    String base = name.length() == 0 || Character.isDigit(name.charAt(0)) ? "v" + name : name.toString();
    if (KEYWORDS.contains(base) || base.matches("[ik][0-9]+")) {
      base = base + "_";
    }
    String unique = base;
    for (int i = 2; !taken.add(unique); i++) {
      unique = base + "_" + i;
    }
    return unique;
  }

  /** A temporary's name: its op and node id, {@code matmul12}. */
  String temporary(Node node) {
    return of(node.op().opName().replace("_", "") + node.id());
  }

  /** A class name from {@code text} in upper camel case: {@code mlp_step} gives {@code MlpStep}. */
  String className(String text) {
    StringBuilder name = new StringBuilder();
    for (String part : of(text).split("_")) {
      if (!part.isEmpty()) {
        name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return name.length() == 0 ? "Function" : name.toString();
  }
}
