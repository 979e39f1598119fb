package io.hourmeter.samples.support;

import io.hourmeter.MeterStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link MeterStatus} as text for people and as a map for JSON, field by field, so that the CLI's
 * {@code status} shows the same figures as {@code meter.status()}. Thread-safety: stateless.
 */
public final class StatusView {
  private StatusView() { }

  /** Every field, in the record's order; instants and durations as ISO-8601 text. */
  public static Map<String, Object> toMap(MeterStatus s) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("at", Json.iso(s.at()));
    map.put("mode", s.mode().name());
    map.put("closed", s.closed());
    map.put("drainer", s.drainer());
    Map<String, Object> pending = new LinkedHashMap<>();
    s.pendingUnitsByHour().forEach((hour, units) -> pending.put(hour.toString(), new TreeMap<>(units)));
    map.put("pendingUnitsByHour", pending);
    map.put("oldestUnsentHour", Json.iso(s.oldestUnsentHour()));
    map.put("timeLeftBeforeDeadline", Json.iso(s.timeLeftBeforeDeadline()));
    map.put("lastSuccess", Json.iso(s.lastSuccess()));
    map.put("lastErrorAt", Json.iso(s.lastErrorAt()));
    map.put("lastError", s.lastError());
    map.put("consecutiveFailures", s.consecutiveFailures());
    map.put("sending", s.sending().name());
    map.put("circuitState", s.circuitState().name());
    map.put("acceptedReports", s.acceptedReports());
    map.put("acceptedUnits", s.acceptedUnits());
    map.put("carriedUnits", s.carriedUnits());
    map.put("deadLetteredReports", s.deadLetteredReports());
    map.put("deadLetteredUnits", s.deadLetteredUnits());
    map.put("quarantinedDimensions", new java.util.TreeSet<>(s.quarantinedDimensions()));
    map.put("refusedUnits", s.refusedUnits());
    map.put("diskLow", s.diskLow());
    map.put("journalBytes", s.journalBytes());
    return map;
  }

  /** Aligned {@code name  value} lines, then the pending units as a table. */
  public static String toText(MeterStatus s) {
    Map<String, Object> map = toMap(s);
    map.remove("pendingUnitsByHour");
    StringBuilder out = new StringBuilder();
    int width = map.keySet().stream().mapToInt(String::length).max().orElse(0);
    map.forEach((name, value) -> out.append(name).append(" ".repeat(width - name.length() + 2))
        .append(value == null ? "-" : value instanceof Duration d ? d.toString() : value).append('\n'));
    out.append('\n');
    if (s.pendingUnitsByHour().isEmpty()) {
      out.append("No pending units: every journaled hour is accepted, carried or dead-lettered.\n");
    } else {
      Table table = new Table("pending hour (UTC)", "dimension", "units");
      s.pendingUnitsByHour().forEach((hour, units) -> new TreeMap<>(units)
          .forEach((dimension, n) -> table.row(hour.toString(), dimension, n)));
      out.append(table);
    }
    return out.toString();
  }
}
