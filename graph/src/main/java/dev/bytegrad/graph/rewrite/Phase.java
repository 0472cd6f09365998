package dev.bytegrad.graph.rewrite;

import java.util.List;

/** A named group of rules applied together to a fixed point. */
public record Phase(String name, List<Rule> rules) {
  public Phase {
    rules = List.copyOf(rules);
  }
}
