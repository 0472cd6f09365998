package dev.bytegrad.peers.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The character language model in DJL: one-hot characters {@code [T, B, V]} and the carried state
 * {@code [1, B, H]} twice into an {@link LSTM}, then a {@link Linear} layer to the logits, flattened to
 * {@code [T*B, V]} for the loss.
 */
final class CharLstm extends AbstractBlock {
  private final int vocabulary;
  private final int hidden;
  private final LSTM lstm;
  private final Linear output;

  CharLstm(int vocabulary, int hidden) {
    this.vocabulary = vocabulary;
    this.hidden = hidden;
    lstm = addChildBlock("lstm", LSTM.builder().setStateSize(hidden).setNumLayers(1).build());
    output = addChildBlock("output", Linear.builder().setUnits(vocabulary).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList states = lstm.forward(store, inputs, training, params);
    return output.forward(store, new NDList(states.head().reshape(-1, hidden)), training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {new Shape(inputs[0].get(0) * inputs[0].get(1), vocabulary)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    lstm.initialize(manager, dataType, inputShapes);
    output.initialize(manager, dataType, new Shape(inputShapes[0].get(0) * inputShapes[0].get(1), hidden));
  }
}
