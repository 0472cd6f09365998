package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The static memory plan: every temporary gets an offset in the one arena of its dtype, and two
 * temporaries share space when their lifetimes — from the kernel that writes one to the last kernel
 * that reads it — do not overlap. Placement is first fit in order of definition.
 */
final class MemoryPlan {
  private record Placed(Buffer buffer, int offset, int first, int last) {
    boolean conflicts(int otherOffset, int size, int otherFirst, int otherLast) {
      boolean livesTogether = first <= otherLast && otherFirst <= last;
      boolean overlaps = offset < otherOffset + size && otherOffset < offset + buffer.size();
      return livesTogether && overlaps;
    }
  }

  private MemoryPlan() {}

  static Program plan(Program program) {
    Map<Buffer, int[]> lifetimes = lifetimes(program.kernels());
    Map<Buffer, Integer> offsets = new HashMap<>();
    Map<DType, Integer> sizes = new EnumMap<>(DType.class);
    Map<DType, List<Placed>> placed = new EnumMap<>(DType.class);
    for (Buffer buffer : program.temporaries()) {
      int[] life = lifetimes.getOrDefault(buffer, new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE});
      List<Placed> arena = placed.computeIfAbsent(buffer.dtype(), d -> new ArrayList<>());
      int offset = firstFit(arena, buffer.size(), life[0], life[1]);
      arena.add(new Placed(buffer, offset, life[0], life[1]));
      offsets.put(buffer, offset);
      sizes.merge(buffer.dtype(), offset + buffer.size(), Math::max);
    }
    return new Program(program.name(), program.inputs(), program.outputs(), program.parameters(),
        program.constants(), program.temporaries(), program.kernels(), offsets, sizes);
  }

  /** For each temporary, the first kernel that touches it and the last. */
  private static Map<Buffer, int[]> lifetimes(List<Kernel> kernels) {
    Map<Buffer, int[]> lifetimes = new HashMap<>();
    for (int i = 0; i < kernels.size(); i++) {
      int at = i;
      List<Buffer> touched = new ArrayList<>(kernels.get(i).reads());
      touched.addAll(kernels.get(i).writes());
      for (Buffer buffer : touched) {
        if (buffer.kind() == Buffer.Kind.TEMPORARY) {
          int[] life = lifetimes.computeIfAbsent(buffer, b -> new int[] {at, at});
          life[0] = Math.min(life[0], at);
          life[1] = Math.max(life[1], at);
        }
      }
    }
    return lifetimes;
  }

  private static int firstFit(List<Placed> arena, int size, int first, int last) {
    List<Placed> conflicts = arena.stream()
        .filter(p -> p.first() <= last && first <= p.last())
        .sorted(java.util.Comparator.comparingInt(Placed::offset)).toList();
    int offset = 0;
    for (Placed other : conflicts) {
      if (other.conflicts(offset, size, first, last)) {
        offset = Math.max(offset, other.offset() + other.buffer().size());
      }
    }
    return offset;
  }
}
