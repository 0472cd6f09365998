package dev.bytegrad.cli;

import java.util.List;
import java.util.Map;

/**
 * JSON for machine-readable summaries, on one line: objects, lists, strings, numbers (non-finite ones as
 * null) and booleans.
 */
public final class Json {
  private Json() {}

  /** {@code fields} as a JSON object. */
  public static String object(Map<String, ?> fields) {
    return value(fields);
  }

  /** {@code value} as JSON: a map becomes an object, a list an array, anything else a scalar. */
  public static String value(Object value) {
    if (value instanceof Map<?, ?> map) {
      StringBuilder json = new StringBuilder("{");
      map.forEach((key, item) -> json.append(json.length() == 1 ? "" : ",").append(string(String.valueOf(key)))
          .append(':').append(value(item)));
      return json.append('}').toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder json = new StringBuilder("[");
      list.forEach(item -> json.append(json.length() == 1 ? "" : ",").append(value(item)));
      return json.append(']').toString();
    }
    if (value instanceof Double number) {
      return Double.isFinite(number) ? number.toString() : "null";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return string(String.valueOf(value));
  }

  private static String string(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}
