package io.hourmeter.it.reliability;

import io.hourmeter.MeterStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link MeterStatus} as one line of {@code key=value} words, written by a child JVM to its status
 * file and read back by the test (the child may be SIGKILLed at any time, so the file is the record).
 */
final class StatusLine {
  private StatusLine() { }

  static String format(MeterStatus s, long maxRecordMicros) {
    Map<String, Long> pendingByDimension = pendingByDimension(s);
    StringBuilder line = new StringBuilder("S");
    put(line, "at", s.at().toEpochMilli());
    put(line, "drainer", s.drainer());
    put(line, "closed", s.closed());
    put(line, "circuit", s.circuitState());
    put(line, "sending", s.sending());
    put(line, "failures", s.consecutiveFailures());
    put(line, "lastSuccess", s.lastSuccess() == null ? -1 : s.lastSuccess().toEpochMilli());
    put(line, "lastErrorAt", s.lastErrorAt() == null ? -1 : s.lastErrorAt().toEpochMilli());
    put(line, "acceptedUnits", s.acceptedUnits());
    put(line, "carriedUnits", s.carriedUnits());
    put(line, "deadLetteredReports", s.deadLetteredReports());
    put(line, "deadLetteredUnits", s.deadLetteredUnits());
    put(line, "refusedUnits", s.refusedUnits());
    put(line, "diskLow", s.diskLow());
    put(line, "pendingUnits", pendingByDimension.values().stream().mapToLong(Long::longValue).sum());
    put(line, "pendingByDimension", encode(pendingByDimension));
    put(line, "oldestUnsentHour", s.oldestUnsentHour() == null ? -1 : s.oldestUnsentHour().toEpochMilli());
    put(line, "maxRecordMicros", maxRecordMicros);
    return line.toString();
  }

  static Map<String, Long> pendingByDimension(MeterStatus s) {
    Map<String, Long> byDimension = new TreeMap<>();
    s.pendingUnitsByHour().values().forEach(m -> m.forEach((d, q) -> byDimension.merge(d, q, Long::sum)));
    return byDimension;
  }

  /** Parses a line written by {@link #format}; {@code null} if it is not a (complete) status line. */
  static Map<String, String> parse(String line) {
    if (!line.startsWith("S ")) {
      return null;
    }
    Map<String, String> out = words(line.substring(2));
    return out.containsKey("maxRecordMicros") ? out : null;
  }

  /** The {@code key=value} words of {@code text}, in order (words without {@code '='} are skipped). */
  static Map<String, String> words(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String word : text.split(" ")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        out.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return out;
  }

  static Map<String, Long> decodeMap(String encoded) {
    Map<String, Long> out = new TreeMap<>();
    if (encoded == null || encoded.isEmpty() || encoded.equals("-")) {
      return out;
    }
    for (String pair : encoded.split(",")) {
      int colon = pair.lastIndexOf(':');
      out.put(pair.substring(0, colon), Long.parseLong(pair.substring(colon + 1)));
    }
    return out;
  }

  private static String encode(Map<String, Long> map) {
    if (map.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    map.forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append(':').append(v));
    return out.toString();
  }

  private static void put(StringBuilder line, String key, Object value) {
    line.append(' ').append(key).append('=').append(value);
  }
}
