package io.hourmeter.samples.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes JSON for the CLI's {@code --json} output: maps (in their iteration order), collections,
 * strings, numbers, booleans, instants and durations (as ISO-8601 strings) and null. Enough for flat
 * scripting output; not a general JSON library. Thread-safe: stateless.
 */
public final class Json {
  private Json() { }

  /** The JSON text of {@code value}. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(entry.getKey()));
        out.append(':');
        append(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        append(out, item);
      }
      out.append(']');
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      string(out, value.toString());
    }
  }

  private static void string(StringBuilder out, String text) {
    out.append(io.hourmeter.local.Json.quote(text));
  }

  /** Instants and durations as ISO-8601 text, for callers building maps. */
  public static Object iso(Object value) {
    if (value instanceof Instant || value instanceof Duration) {
      return value.toString();
    }
    return value;
  }
}
