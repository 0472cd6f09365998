package dev.bytegrad.codegen.loop;

import dev.bytegrad.runtime.DType;
import java.util.List;
import java.util.Map;

/**
 * A lowered, scheduled and planned function: its buffers by kind, the kernels in execution order, the
 * offset of each temporary in the arena of its dtype, and each arena's size.
 */
public record Program(String name, List<Buffer> inputs, List<Buffer> outputs, List<Buffer> parameters,
    List<Buffer> constants, List<Buffer> temporaries, List<Kernel> kernels, Map<Buffer, Integer> offsets,
    Map<DType, Integer> arenaSizes) {
  public Program {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    parameters = List.copyOf(parameters);
    constants = List.copyOf(constants);
    temporaries = List.copyOf(temporaries);
    kernels = List.copyOf(kernels);
    offsets = Map.copyOf(offsets);
    arenaSizes = Map.copyOf(arenaSizes);
  }

  /** Every kernel to emit: those {@code run} calls, in order, then those they call, depth first, each once. */
  public List<Kernel> allKernels() {
    java.util.LinkedHashMap<String, Kernel> all = new java.util.LinkedHashMap<>();
    kernels.forEach(kernel -> all.put(kernel.name(), kernel));
    kernels.forEach(kernel -> collectCalls(kernel.body(), all));
    return List.copyOf(all.values());
  }

  private static void collectCalls(List<Stmt> body, java.util.Map<String, Kernel> into) {
    for (Stmt statement : body) {
      if (statement instanceof Stmt.Loop loop) {
        collectCalls(loop.body(), into);
      } else if (statement instanceof Stmt.PartLoop loop) {
        collectCalls(loop.body(), into);
      } else if (statement instanceof Stmt.Call call && into.putIfAbsent(call.kernel().name(), call.kernel()) == null) {
        collectCalls(call.kernel().body(), into);
      }
    }
  }

  /** The arena offset of a temporary. */
  public int offset(Buffer temporary) {
    Integer offset = offsets.get(temporary);
    if (offset == null) {
      throw new IllegalStateException(temporary + " has no place in the arena");
    }
    return offset;
  }

  /** Elements of the {@code dtype} arena (0 when no temporary has that type). */
  public int arenaSize(DType dtype) {
    return arenaSizes.getOrDefault(dtype, 0);
  }

  /** Bytes of all arenas together: the peak memory of intermediates, known before the first call. */
  public long arenaBytes() {
    return arenaSizes.entrySet().stream().mapToLong(e -> (long) e.getValue() * e.getKey().byteSize()).sum();
  }

  /** Bytes the temporaries would take if none shared space. */
  public long temporaryBytes() {
    return temporaries.stream().mapToLong(b -> (long) b.size() * b.dtype().byteSize()).sum();
  }
}
