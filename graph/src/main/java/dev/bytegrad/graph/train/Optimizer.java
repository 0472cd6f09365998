package dev.bytegrad.graph.train;

import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.op.Parameter;
import dev.bytegrad.runtime.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer as graph: given parameters, their gradients and a scalar learning-rate node, it adds
 * the nodes computing each parameter's next value, and declares whatever state it keeps (velocities,
 * moment estimates, a step counter) as more parameters, initialized to zeros and updated the same way.
 * A compiled step therefore applies the optimizer in the same generated method and updates its state in
 * place, and a checkpoint of the graph's parameters holds the optimizer's state too.
 *
 * <p>The formulas are PyTorch's, so that hyperparameters carry over; each record states its own. State
 * that decays (velocities, moment estimates) is read as zero once subnormal ({@link #flushSubnormal}).
 */
public sealed interface Optimizer permits Sgd, Momentum, Nesterov, AdaGrad, RmsProp, Adam, AdamW {
  /** The next value of every parameter and state tensor, keyed by the node it replaces. */
  Map<Node, Node> updates(List<Node> parameters, List<Node> gradients, Node learningRate);

  /** An update rule applied to each parameter alone: puts its next value, and its state's, into {@code updates}. */
  @FunctionalInterface
  interface Rule {
    void update(Node w, Node g, Node learningRate, Map<Node, Node> updates);
  }

  /** The updates of {@code rule} applied to every parameter with its gradient, in order. */
  static Map<Node, Node> each(List<Node> parameters, List<Node> gradients, Node learningRate, Rule rule) {
    Map<Node, Node> updates = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      rule.update(parameters.get(i), gradients.get(i), learningRate, updates);
    }
    return updates;
  }

  /**
   * The optimizer's state tensor for {@code parameter}, called {@code <parameter name>.<suffix>}:
   * zeros of the parameter's shape and dtype.
   */
  static Node state(Node parameter, String suffix) {
    String name = ((Parameter) parameter.op()).name() + "." + suffix;
    return parameter.graph().parameter(name, Init.zeros(), parameter.dtype(), parameter.shape().dims());
  }

  /**
   * {@code state} read with each element whose magnitude is below the smallest normal number of its dtype
   * taken as zero: what an update reads of state that decays geometrically (a velocity, a moment
   * estimate). Where a parameter's gradient is zero step after step (a weight on an input pixel that is
   * always blank, a dead ReLU unit's), such state shrinks by its decay each step until it is subnormal, some
   * 800 steps for a velocity at momentum 0.9, and would stay so. Native libraries run with subnormals
   * flushed to zero by the processor (TensorFlow sets the flag on its threads); the JVM cannot, and on
   * Intel processors arithmetic on a subnormal takes a microcode assist of some 100 cycles: on a Xeon the
   * MLP's momentum update of its first layer took 389 us a step instead of 63, 40% of the step, by the
   * second epoch. Flushed where it is read, the state is a stored parameter read twice at one index, so
   * the update stays one fused loop, and the state is zero from the step after it went subnormal. The
   * values lost are below 1.2e-38 (f32), which no parameter update can see.
   */
  static Node flushSubnormal(Node state) {
    double smallestNormal = state.dtype() == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    return state.abs().lt(smallestNormal).select(state.zerosLike(), state);
  }

  /**
   * The optimizer's name on the command line, with its defaults: {@code sgd}, {@code momentum},
   * {@code nesterov}, {@code adagrad}, {@code rmsprop}, {@code adam}, {@code adamw}. {@code momentum}
   * is used by the two momentum methods and {@code weightDecay} by AdamW (others take weight decay as
   * an L2 term of the gradient, see {@link Regularization}).
   */
  static Optimizer named(String name, double momentum, double weightDecay) {
    return switch (name) {
      case "sgd" -> new Sgd();
      case "momentum" -> new Momentum(momentum);
      case "nesterov" -> new Nesterov(momentum);
      case "adagrad" -> new AdaGrad(AdaGrad.DEFAULT_EPSILON);
      case "rmsprop" -> RmsProp.defaults();
      case "adam" -> Adam.defaults();
      case "adamw" -> new AdamW(Adam.defaults(), weightDecay);
      default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; choose one of " + String.join(", ", NAMES));
    };
  }

  /** Every name {@link #named} knows, in a stable order. */
  List<String> NAMES = List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw");
}
