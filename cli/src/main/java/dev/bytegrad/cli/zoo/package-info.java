/**
 * The model zoo: the classic models declared in the DSL, each with the data it trains on, sensible
 * default hyperparameters, and the metrics it reports; plus the training loop that drives them.
 *
 * <p>Depends on the graph and runtime modules; data sets ship as resources of this module.
 */
package dev.bytegrad.cli.zoo;
