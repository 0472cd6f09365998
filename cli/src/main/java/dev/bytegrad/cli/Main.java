package dev.bytegrad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bytegrad} command. Exit status 0 on success, 1 when the work failed, 2 for bad usage. */
@Command(name = "bytegrad", mixinStandardHelpOptions = true, version = "bytegrad 0.1.0",
    description = "A symbolic computational-graph compiler for the JVM.",
    subcommands = {TrainCommand.class, EvalCommand.class, SampleCommand.class, PcaCommand.class, CodegenCommand.class, GradcheckCommand.class, InspectCommand.class,
        NewtonCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line {@code args} and returns the exit status. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler((exception, line, parsed) -> {
      line.getErr().println("bytegrad: " + exception.getMessage());
      return 1;
    });
    return commandLine.execute(args);
  }
}
