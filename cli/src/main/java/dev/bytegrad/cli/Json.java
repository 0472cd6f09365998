package dev.bytegrad.cli;

import java.util.Map;

/** One-line JSON for machine-readable summaries: strings, numbers (non-finite ones as null) and booleans. */
final class Json {
  private Json() {}

  static String object(Map<String, ?> fields) {
    StringBuilder json = new StringBuilder("{");
    fields.forEach((key, value) -> {
      json.append(json.length() == 1 ? "" : ",").append(string(key)).append(':').append(value(value));
    });
    return json.append('}').toString();
  }

  private static String value(Object value) {
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
