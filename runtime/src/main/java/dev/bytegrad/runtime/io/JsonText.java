package dev.bytegrad.runtime.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict subset of JSON a safetensors header uses: objects (duplicate keys rejected), arrays,
 * strings and non-negative integers. Anything else (fractions, booleans, null, trailing text) is an
 * error naming the byte offset, so a malformed header can never be half-understood.
 */
final class JsonText {
  private final String text;
  private final String source;
  private int position;

  private JsonText(String text, String source) {
    this.text = text;
    this.source = source;
  }

  /** Parses {@code text}: a {@code Map<String, Object>}, {@code List<Object>}, {@code String} or {@code Long}. */
  static Object parse(String text, String source) {
    JsonText parser = new JsonText(text, source);
    Object value = parser.value(0);
    parser.skipSpace();
    if (parser.position != text.length()) {
      throw parser.error("unexpected text after the JSON value");
    }
    return value;
  }

  /** {@code value} as a JSON string literal. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private Object value(int depth) {
    if (depth > 16) {
      throw error("nested too deeply");
    }
    skipSpace();
    if (position >= text.length()) {
      throw error("unexpected end of the header");
    }
    char c = text.charAt(position);
    if (c == '{') {
      return object(depth);
    } else if (c == '[') {
      return array(depth);
    } else if (c == '"') {
      return string();
    } else if (c >= '0' && c <= '9') {
      return integer();
    }
    throw error("unexpected character '" + c + "'");
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> result = new LinkedHashMap<>();
    position++;
    skipSpace();
    if (peek('}')) {
      return result;
    }
    do {
      skipSpace();
      if (!peek('"') || position >= text.length()) {
        throw error("expected a quoted key");
      }
      int keyAt = position;
      String key = string();
      skipSpace();
      expect(':');
      if (result.put(key, value(depth + 1)) != null) {
        position = keyAt;
        throw error("duplicate key \"" + key + "\"");
      }
      skipSpace();
    } while (consume(','));
    expect('}');
    return result;
  }

  private List<Object> array(int depth) {
    List<Object> result = new ArrayList<>();
    position++;
    skipSpace();
    if (consume(']')) {
      return result;
    }
    do {
      result.add(value(depth + 1));
      skipSpace();
    } while (consume(','));
    expect(']');
    return result;
  }

  private String string() {
    StringBuilder out = new StringBuilder();
    position++;
    while (position < text.length()) {
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      } else if (c == '\\') {
        out.append(escape());
      } else if (c < 0x20) {
        throw error("control character in a string");
      } else {
        out.append(c);
      }
    }
    throw error("unterminated string");
  }

  private char escape() {
    if (position >= text.length()) {
      throw error("unterminated escape");
    }
    char c = text.charAt(position++);
    return switch (c) {
      case '"', '\\', '/' -> c;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> {
        if (position + 4 > text.length()) {
          throw error("short \\u escape");
        }
        try {
          char decoded = (char) Integer.parseInt(text.substring(position, position + 4), 16);
          position += 4;
          yield decoded;
        } catch (NumberFormatException e) {
          throw error("bad \\u escape");
        }
      }
      default -> throw error("unknown escape \\" + c);
    };
  }

  private Long integer() {
    int start = position;
    while (position < text.length() && Character.isDigit(text.charAt(position))) {
      position++;
    }
    if (position < text.length() && ".eE-+".indexOf(text.charAt(position)) >= 0) {
      throw error("only non-negative integers are expected here");
    }
    if (position - start > 18) {
      throw error("integer too large");
    }
    return Long.parseLong(text.substring(start, position));
  }

  private void skipSpace() {
    while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
  }

  private boolean peek(char c) {
    return position < text.length() && text.charAt(position) == c;
  }

  private boolean consume(char c) {
    if (peek(c)) {
      position++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!consume(c)) {
      throw error("expected '" + c + "'");
    }
  }

  private CheckpointException error(String message) {
    return new CheckpointException(source + ": malformed header at character " + position + ": " + message);
  }
}
