package dev.bytegrad.cli.train;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is an interactive terminal, so that redrawing a line in place works. */
final class Terminal {
  private Terminal() {}

  static boolean isInteractive() {
    Console console = System.console();
    if (console == null || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try {
      // Java 22 and later return a console even when output is redirected; isTerminal() tells them apart
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // before Java 22, a console exists only on a terminal
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot ask the console whether it is a terminal", e);
    }
  }
}
