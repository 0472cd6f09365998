package dev.bytegrad.cli.text;

import dev.bytegrad.codegen.Backend;
import dev.bytegrad.codegen.Compiled;
import dev.bytegrad.codegen.GraphCompiler;
import dev.bytegrad.codegen.lower.Signature;
import dev.bytegrad.graph.Graph;
import dev.bytegrad.graph.Init;
import dev.bytegrad.graph.Node;
import dev.bytegrad.graph.Scans;
import dev.bytegrad.graph.nn.Layers;
import dev.bytegrad.graph.nn.Losses;
import dev.bytegrad.graph.nn.Recurrent;
import dev.bytegrad.graph.train.Optimizer;
import dev.bytegrad.graph.train.Regularization;
import dev.bytegrad.graph.train.TrainingGraph;
import dev.bytegrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A character-level language model, {@code p(c_1..c_T) = Π p(c_t | c_1..c_{t-1})}: each character's
 * embedding feeds a recurrent layer (a tanh RNN or an LSTM) whose hidden state a dense layer maps to
 * the next character's logits. The embedding is the recurrent layer's input projection itself (one row
 * of {@code [vocabulary, gates × hidden]} per character), so the loop holds only the recurrent product.
 *
 * <p>The network for {@code batch} streams of {@code length} characters takes the characters
 * {@code tokens [T, B]}, the next characters {@code targets [T, B]} and the state the streams start
 * from (zeros, or where the previous chunk left off: truncated backpropagation through time), and gives
 * the mean cross-entropy in nats and the state after the last character.
 *
 * @param kind the recurrent layer
 * @param vocabulary number of distinct characters
 * @param hidden width of the hidden state
 */
public record CharModel(Kind kind, int vocabulary, int hidden) {
  /** The recurrent layer, by model name. */
  public enum Kind {
    RNN("char-rnn", 1), LSTM("char-lstm", 4);

    private final String modelName;
    private final int gates;

    Kind(String modelName, int gates) {
      this.modelName = modelName;
      this.gates = gates;
    }

    public String modelName() {
      return modelName;
    }

    /** The kind called {@code name} ({@code char-rnn} or {@code char-lstm}). */
    public static Kind named(String name) {
      for (Kind kind : values()) {
        if (kind.modelName.equals(name)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown character model '" + name + "'; choose char-rnn or char-lstm");
    }

    /** Whether {@code name} names a character model. */
    public static boolean isCharModel(String name) {
      return name != null && (name.equals(RNN.modelName) || name.equals(LSTM.modelName));
    }
  }

  public CharModel {
    if (vocabulary < 2 || hidden < 1) {
      throw new IllegalArgumentException("a character model needs at least 2 characters and 1 hidden unit, got "
          + vocabulary + " and " + hidden);
    }
  }

  /** Tensors of the recurrent state: the hidden state, and for an LSTM the cell. */
  public int stateTensors() {
    return kind == Kind.LSTM ? 2 : 1;
  }

  /** The network's nodes. */
  public record Network(Graph graph, Node tokens, Node targets, List<Node> initialState, Node logits, Node loss,
      List<Node> finalState) {}

  /** The network for {@code batch} streams of {@code length} characters. */
  public Network build(int batch, int length) {
    Graph graph = new Graph();
    Node tokens = graph.input("tokens", DType.I32, length, batch);
    Node targets = graph.input("targets", DType.I32, length, batch);
    List<Node> initial = new ArrayList<>();
    initial.add(graph.input("h0", batch, hidden));
    if (kind == Kind.LSTM) {
      initial.add(graph.input("c0", batch, hidden));
    }
    // PyTorch's initialization of recurrent layers: uniform in ±1/sqrt(hidden)
    double bound = 1 / Math.sqrt(hidden);
    Init init = Init.uniform(-bound, bound);
    Node projected = Layers.embedding(tokens, "embedding", vocabulary, kind.gates * hidden, init);
    Scans.Result layer = kind == Kind.LSTM
        ? Recurrent.lstm(projected, initial.get(0), initial.get(1), "cell", init)
        : Recurrent.rnn(projected, initial.get(0), "cell", init);
    Node logits = Layers.dense(layer.output(0), "output", vocabulary, init);
    Node loss = Losses.crossEntropy(logits, targets);
    return new Network(graph, tokens, targets, initial, logits, loss, layer.carries());
  }

  /**
   * The training step: tokens, targets, the initial state and the learning rate in; the loss and the
   * final state out; parameters and optimizer state updated in place.
   */
  public Function trainingStep(int batch, int length, Optimizer optimizer, Regularization regularization, Backend backend) {
    return trainingStep(batch, length, optimizer, regularization, backend, false);
  }

  /** The training step, with each kernel timed when {@code timedKernels} (see {@link dev.bytegrad.runtime.KernelTimes}). */
  public Function trainingStep(int batch, int length, Optimizer optimizer, Regularization regularization, Backend backend,
      boolean timedKernels) {
    Network network = build(batch, length);
    TrainingGraph training = TrainingGraph.build(network.loss(), network.graph().parameters(), optimizer, regularization);
    return compile("step", network, true, List.of(training.learningRate()), network.loss(), training.updates(), backend,
        timedKernels);
  }

  /** The loss without updates: tokens, targets and the initial state in; the loss and the final state out. */
  public Function evaluation(int batch, int length, Backend backend) {
    Network network = build(batch, length);
    return compile("evaluation", network, true, List.of(), network.loss(), Map.of(), backend, false);
  }

  /** One character at a time for {@code batch} streams: tokens {@code [1, B]} and the state in; the logits and the next state out. */
  public Function sampler(int batch, Backend backend) {
    Network network = build(batch, 1);
    return compile("sampler", network, false, List.of(), network.logits(), Map.of(), backend, false);
  }

  /** Inputs: tokens, (targets), the initial state, {@code extra}; outputs: {@code first}, then the final state. */
  private Function compile(String what, Network network, boolean targets, List<Node> extra, Node first, Map<Node, Node> updates,
      Backend backend, boolean timedKernels) {
    List<Node> inputs = new ArrayList<>(List.of(network.tokens()));
    if (targets) {
      inputs.add(network.targets());
    }
    inputs.addAll(network.initialState());
    inputs.addAll(extra);
    List<Node> outputs = new ArrayList<>(List.of(first));
    outputs.addAll(network.finalState());
    List<Node> parameters = network.graph().parameters();
    String name = kind.modelName.replace('-', '_') + "_" + what;
    Signature signature = new Signature(inputs, parameters, outputs, updates);
    return new Function(network, parameters, timedKernels ? GraphCompiler.compileTimed(name, signature, backend)
        : GraphCompiler.compile(name, signature, backend));
  }

  /** A compiled function of the model and the parameters it binds, in order. */
  public record Function(Network network, List<Node> parameters, Compiled compiled) {}
}
