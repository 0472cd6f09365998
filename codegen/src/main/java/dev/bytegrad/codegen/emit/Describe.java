package dev.bytegrad.codegen.emit;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Program;
import java.util.List;
import java.util.stream.Collectors;

/** The class comment of a generated function: what it takes, gives and keeps. */
final class Describe {
  private Describe() {}

  static String program(Program program) {
    return "A compiled graph function.\n\n<p>Inputs: " + list(program.inputs())
        + ".<br>\nOutputs: " + list(program.outputs())
        + ".<br>\nParameters (updated in place by training steps): " + list(program.parameters())
        + ".<br>\nArena of intermediates: " + program.arenaBytes() + " bytes, allocated once; "
        + program.allKernels().size() + " kernels.\n";
  }

  private static String list(List<Buffer> buffers) {
    return buffers.isEmpty() ? "none"
        : buffers.stream().map(b -> b.name() + " (" + b.dtype() + " x " + b.size() + ")").collect(Collectors.joining(", "));
  }
}
