package dev.bytegrad.codegen.lower;

import dev.bytegrad.codegen.loop.Buffer;
import dev.bytegrad.codegen.loop.Kernel;
import dev.bytegrad.codegen.loop.Program;
import dev.bytegrad.codegen.loop.Stmt;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Topology;
import dev.bytegrad.graph.op.Input;
import dev.bytegrad.graph.op.Leaf;
import dev.bytegrad.graph.op.Literal;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.graph.op.Scan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a graph function to a loop-IR program: gives buffers to inputs, parameters, constants,
 * results and the nodes {@link Fusion} materializes; builds one kernel per materialized node
 * ({@link KernelBuilder}); schedules the optimizer updates last, writing parameters in place; and lets
 * {@link MemoryPlan} place the temporaries.
 */
public final class Lowering {
  private final Signature signature;
  private final Map<Node, Buffer> buffers = new HashMap<>();
  private final Names names = new Names();
  private final List<Buffer> temporaries = new ArrayList<>();
  private final KernelBuilder builder = new KernelBuilder(buffers);
  private int loops;
  private final List<Buffer> constants = new ArrayList<>();
  /** The rows of the batch of each scan's loop kernel, by its comment (see {@link ScanChunks}). */
  private final Map<String, Integer> scanRows = new HashMap<>();

  /** Whether kernels get vector loops ({@link Vectorization}). */
  private final boolean vectorLoops;

  private Lowering(Signature signature, boolean vectorLoops) {
    this.signature = signature;
    this.vectorLoops = vectorLoops;
  }

  /**
   * The planned program computing {@code signature}, its class to be called {@code name}, with scalar
   * loops only: its classes need no more than the runtime and Java 17 (ahead-of-time sources).
   */
  public static Program lower(String name, Signature signature) {
    return lower(name, signature, false);
  }

  /**
   * The planned program computing {@code signature}, its class to be called {@code name}; with
   * {@code vectorLoops}, the loops {@link Vectorization} can vectorize run on the Vector API, and the
   * classes need the module {@code jdk.incubator.vector}.
   */
  public static Program lower(String name, Signature signature, boolean vectorLoops) {
    return MemoryPlan.plan(new Lowering(signature, vectorLoops).run(name));
  }

  boolean vectorLoops() {
    return vectorLoops;
  }

  private Program run(String name) {
    List<Node> roots = new ArrayList<>(signature.outputs());
    roots.addAll(signature.updates().values());
    List<Node> order = Topology.reachable(roots);
    Set<Node> materialized = Fusion.materialize(order, new HashSet<>(roots));
    List<Buffer> inputs = bind(signature.inputs(), Buffer.Kind.INPUT);
    List<Buffer> parameters = bind(signature.parameters(), Buffer.Kind.PARAMETER);
    checkLeavesBound(order);
    List<Buffer> constants = bindConstants(order);
    List<Buffer> outputs = bindOutputs();
    bindUpdates();
    for (Node node : order) {
      if (materialized.contains(node) && !buffers.containsKey(node)) {
        temporary(node);
      }
    }
    List<Kernel> kernels = new ArrayList<>();
    Set<Node> overwritten = new HashSet<>();
    Set<List<Object>> loopsBuilt = new HashSet<>();
    List<Node> scheduled = schedule(order, materialized);
    for (Node node : scheduled) {
      if (node.op() instanceof Scan && !loopsBuilt.add(ScanLowering.loopOf(node))) {
        continue;
      }
      Kernel kernel = kernel(node, "k" + kernels.size(), scheduled);
      checkNotOverwritten(kernel, builder.loaded(), overwritten);
      kernels.add(kernel);
      signature.updates().forEach((target, value) -> {
        if (value == node) {
          overwritten.add(target);
        }
      });
    }
    List<Kernel> optimized = optimized(kernels, vectorLoops).stream()
        .map(kernel -> scanRows.containsKey(kernel.comment())
            ? ScanChunks.apply(kernel, ScanLowering.STEP, scanRows.get(kernel.comment())) : kernel)
        .toList();
    return new Program(names.className(name), inputs, outputs, parameters, constants, temporaries, optimized, Map.of(), Map.of());
  }

  /** Notes that the scan whose loop kernel has {@code comment} carries {@code rows} rows of a batch (0: none). */
  void rowsOfScan(String comment, int rows) {
    if (rows > 0) {
      scanRows.put(comment, rows);
    }
  }

  /**
   * {@code kernels} merged where they can share a pass ({@link KernelMerging}), their loops reshaped to
   * test and walk memory plainly ({@link RangeSplitting}, {@link LoopSplitting}, {@link ReductionOrder},
   * {@link InnerLoop}), nests that walk memory as one loop would made one loop ({@link LoopCollapse}), large
   * transposes walked in blocks ({@link LoopBlocking}),
   * split over threads ({@link Parallelism}), their additions of one run to another made runtime calls
   * ({@link RunCalls}), the scalars their loops read loaded once before them ({@link LoadHoisting}), their
   * loops of lanewise work made vector loops when {@code vectorLoops} ({@link Vectorization}), a kernel
   * with several nests of those made one kernel per nest ({@link #vectorNests}), named {@code k0, k1, ...}
   * in the order they run.
   */
  static List<Kernel> optimized(List<Kernel> kernels, boolean vectorLoops) {
    List<Kernel> numbered = new ArrayList<>();
    for (Kernel merged : KernelMerging.merge(kernels)) {
      Kernel kernel = LoopBlocking.apply(LoopCollapse.apply(InnerLoop.apply(ReductionOrder.apply(LoopSplitting.split(RangeSplitting.split(merged))))));
      for (Kernel split : Parallelism.split(kernel)) {
        Kernel hoisted = LoadHoisting.apply(RunCalls.apply(split));
        Kernel part = vectorLoops ? Vectorization.apply(hoisted) : hoisted;
        for (Kernel method : vectorNests(part)) {
          numbered.add(new Kernel("k" + numbered.size(), method.comment(), method.body(), method.reads(), method.writes()));
        }
      }
    }
    return numbered;
  }

  /**
   * {@code kernel}, or one kernel per loop nest when several of its nests hold vector loops: each kernel
   * is a method, and C2 stops inlining within a method past a budget of nodes that some 40 Vector API calls
   * reach; an operation it stops at runs the API's allocating fallback.
   */
  private static List<Kernel> vectorNests(Kernel kernel) {
    List<Stmt> body = kernel.body();
    long vectorNests = body.stream().filter(Lowering::hasVectorLoop).count();
    if (vectorNests < 2 || !body.stream().allMatch(stmt -> stmt instanceof Stmt.Loop)) {
      return List.of(kernel);
    }
    return perNest(kernel, body);
  }

  /** One kernel per statement of {@code nests}, the first keeping {@code kernel}'s comment and all its buffers. */
  static List<Kernel> perNest(Kernel kernel, List<Stmt> nests) {
    List<Kernel> kernels = new ArrayList<>();
    for (int i = 0; i < nests.size(); i++) {
      String comment = i == 0 ? kernel.comment() : "(continued: loop " + (i + 1) + " of " + nests.size() + ")";
      kernels.add(new Kernel(kernel.name() + "_" + i, comment, List.of(nests.get(i)), kernel.reads(), kernel.writes()));
    }
    return kernels;
  }

  private static boolean hasVectorLoop(Stmt stmt) {
    boolean[] found = {false};
    Statements.forEachStmt(stmt, s -> found[0] |= s instanceof Stmt.Loop loop && loop.vector()
        || s instanceof Stmt.PartLoop part && part.vector());
    return found[0];
  }

  /** A temporary buffer for {@code node}, to be placed by the memory plan. */
  Buffer temporary(Node node) {
    Buffer buffer = placed(names.temporary(node), node.dtype(), node.shape().size());
    buffers.put(node, buffer);
    return buffer;
  }

  /** A temporary buffer for no node: a loop's carry or slice. */
  Buffer temporary(String name, dev.bytegrad.runtime.DType dtype, int size) {
    return placed(names.of(name), dtype, size);
  }

  private Buffer placed(String uniqueName, dev.bytegrad.runtime.DType dtype, int size) {
    Buffer buffer = new Buffer(uniqueName, dtype, size, Buffer.Kind.TEMPORARY, -1, null);
    temporaries.add(buffer);
    return buffer;
  }

  /** The kernel computing {@code node}: a loop nest or call, or for a scan the loop over its steps. */
  Kernel kernel(Node node, String name, List<Node> scheduled) {
    if (node.op() instanceof Scan) {
      return new ScanLowering(this, builder, buffers).lower(node, name, scheduled);
    }
    return IndexSimplifier.simplify(builder.build(node, name));
  }

  /** A fresh name for the kernels of a loop's step. */
  String loopName() {
    return "loop" + loops++;
  }

  /** Gives every constant among {@code order} a buffer, once. */
  void bindConstantsOf(List<Node> order, List<Buffer> constants) {
    for (Node node : order) {
      if (node.op() instanceof Literal literal && node.shape().rank() > 0 && !buffers.containsKey(node)) {
        Buffer buffer = new Buffer(names.of("constant" + constants.size()), node.dtype(), node.shape().size(),
            Buffer.Kind.CONSTANT, constants.size(), literal.value());
        buffers.put(node, buffer);
        constants.add(buffer);
      }
    }
  }

  private List<Buffer> bind(List<Node> leaves, Buffer.Kind kind) {
    List<Buffer> bound = new ArrayList<>();
    for (Node leaf : leaves) {
      String name = leaf.op() instanceof Input input ? input.name() : ((Parameter) leaf.op()).name();
      Buffer buffer = new Buffer(names.of(name), leaf.dtype(), leaf.shape().size(), kind, bound.size(), null);
      buffers.put(leaf, buffer);
      bound.add(buffer);
    }
    return bound;
  }

  private void checkLeavesBound(List<Node> order) {
    for (Node node : order) {
      if ((node.op() instanceof Input || node.op() instanceof Parameter) && !buffers.containsKey(node)) {
        throw new IllegalArgumentException(node.op().opName() + " " + node + " is used but not in the signature");
      }
    }
  }

  private List<Buffer> bindConstants(List<Node> order) {
    bindConstantsOf(order, constants);
    return constants;
  }

  private List<Buffer> bindOutputs() {
    List<Buffer> outputs = new ArrayList<>();
    for (Node output : signature.outputs()) {
      if (output.op() instanceof Leaf || signature.updates().containsValue(output)) {
        throw new IllegalArgumentException("output " + output + " must be computed, not a leaf or an update");
      }
      Buffer buffer = new Buffer(names.of("output" + outputs.size()), output.dtype(), output.shape().size(),
          Buffer.Kind.OUTPUT, outputs.size(), null);
      buffers.put(output, buffer);
      outputs.add(buffer);
    }
    return outputs;
  }

  private void bindUpdates() {
    signature.updates().forEach((target, value) -> {
      if (value.op() instanceof Leaf) {
        throw new IllegalArgumentException("the update of " + target + " must be computed, not a leaf");
      }
      if (buffers.put(value, buffers.get(target)) != null) {
        throw new IllegalArgumentException("one node updates two parameters: " + value);
      }
    });
  }

  /** Materialized nodes in topological order, those that depend on an update's new value last. */
  private List<Node> schedule(List<Node> order, Set<Node> materialized) {
    Set<Node> afterUpdates = new HashSet<>(signature.updates().values());
    for (Node node : order) {
      if (node.inputs().stream().anyMatch(afterUpdates::contains)) {
        afterUpdates.add(node);
      }
    }
    Set<Node> schedule = new LinkedHashSet<>();
    order.stream().filter(n -> materialized.contains(n) && !afterUpdates.contains(n)).forEach(schedule::add);
    order.stream().filter(n -> materialized.contains(n) && afterUpdates.contains(n)).forEach(schedule::add);
    return new ArrayList<>(schedule);
  }

  /** A parameter's old value must not be read after the kernel that overwrites it. */
  private static void checkNotOverwritten(Kernel kernel, Set<Node> loaded, Set<Node> overwritten) {
    for (Node node : loaded) {
      if (overwritten.contains(node)) {
        throw new IllegalStateException("kernel " + kernel.name() + " reads the old value of " + node
            + " after its update overwrote it; updates must read parameters before writing them");
      }
    }
  }
}
