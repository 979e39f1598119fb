package io.hourmeter.samples.cli;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Epoch hours (epoch millis / 3,600,000), as the journal numbers them, to and from text. */
final class Hours {
  static final long MILLIS_PER_HOUR = 3_600_000L;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

  private Hours() { }

  /** {@code 2026-11-23T01:00Z} style text of an epoch hour. */
  static String format(long epochHour) {
    return Instant.ofEpochMilli(epochHour * MILLIS_PER_HOUR).toString();
  }

  static long epochHour(Instant instant) {
    return Math.floorDiv(instant.toEpochMilli(), MILLIS_PER_HOUR);
  }

  /** Parses {@code 2026-11-23T01}, {@code 2026-11-23T01:00Z}, a full instant, or an epoch-hour number. */
  static long parseHour(String text) {
    try {
      if (text.matches("\\d{5,7}")) {
        return Long.parseLong(text);
      }
      if (text.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}")) {
        return epochHour(LocalDateTime.parse(text, HOUR).toInstant(ZoneOffset.UTC));
      }
      return epochHour(Instant.parse(text.matches(".*T\\d{2}:\\d{2}Z") ? text.replace("Z", ":00Z") : text));
    } catch (DateTimeParseException e) {
      throw new CliFailure("--hour must look like 2026-11-23T01 (UTC), not '" + text + "'");
    }
  }
}
