package dev.bytegrad.cli.train;

import dev.bytegrad.runtime.io.CheckpointException;
import java.util.Map;

/** Typed reads of a checkpoint's metadata strings; a missing or malformed entry fails naming it. */
record Metadata(Map<String, String> values) {
  String text(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new CheckpointException("the checkpoint's metadata lacks \"" + key + "\"; it was not written by bytegrad train");
    }
    return value;
  }

  int integer(String key) {
    try {
      return Integer.parseInt(text(key));
    } catch (NumberFormatException e) {
      throw new CheckpointException("the checkpoint's metadata \"" + key + "\" is not an integer: " + values.get(key), e);
    }
  }

  long longInteger(String key) {
    try {
      return Long.parseLong(text(key));
    } catch (NumberFormatException e) {
      throw new CheckpointException("the checkpoint's metadata \"" + key + "\" is not an integer: " + values.get(key), e);
    }
  }

  double number(String key) {
    try {
      return Double.parseDouble(text(key));
    } catch (NumberFormatException e) {
      throw new CheckpointException("the checkpoint's metadata \"" + key + "\" is not a number: " + values.get(key), e);
    }
  }
}
