package io.hourmeter.samples.support;

import java.time.Duration;
import java.time.Instant;

/**
 * Writes JSON for the CLI's {@code --json} output: maps (in their iteration order), collections,
 * strings, numbers, booleans, instants and durations (as ISO-8601 strings) and null. Enough for flat
 * scripting output; not a general JSON library. Thread-safe: stateless.
 */
public final class Json {
  private Json() { }

  /** The JSON text of {@code value}: the local endpoint's writer, the one JSON writer of the project. */
  public static String write(Object value) {
    return io.hourmeter.local.Json.write(value);
  }

  /** Instants and durations as ISO-8601 text, for callers building maps. */
  public static Object iso(Object value) {
    if (value instanceof Instant || value instanceof Duration) {
      return value.toString();
    }
    return value;
  }
}
