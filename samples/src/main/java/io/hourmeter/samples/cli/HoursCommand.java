package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.Json;
import io.hourmeter.samples.support.Table;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hourmeter hours}: per hour and dimension, the units the journal holds, the report's state and
 * quantity, AWS's MeteringRecordId and the deadline (the end of AWS's six-hour window).
 */
@Command(name = "hours", description = "Per hour and dimension: units, report state, quantity, record id, deadline.")
final class HoursCommand implements Callable<Integer> {
  @Mixin
  private JournalOptions options;

  @Spec
  private CommandSpec spec;

  private record Key(long epochHour, String dimension) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byHour = Long.compare(epochHour, other.epochHour);
      return byHour != 0 ? byHour : dimension.compareTo(other.dimension);
    }
  }

  @Override
  public Integer call() {
    try (JournalInspection inspection = JournalAccess.inspect(options.directory)) {
      JournalInspection.Summary summary = inspection.summary();
      long frozenThrough = summary.frozenThrough() == null ? Long.MIN_VALUE : summary.frozenThrough();
      Map<Key, BigInteger> journal = new TreeMap<>();
      for (JournalInspection.HourCheck check : inspection.verify()) {
        journal.put(new Key(check.epochHour(), check.dimension()), check.journalUnits());
      }
      Map<Key, List<UsageReport>> reports = new TreeMap<>();
      for (JournalInspection.ReportView view : inspection.reports()) {
        UsageReport r = view.report();
        reports.computeIfAbsent(new Key(r.epochHour(), r.dimension()), k -> new ArrayList<>()).add(r);
      }
      TreeMap<Key, Boolean> keys = new TreeMap<>();
      journal.keySet().forEach(k -> keys.put(k, true));
      reports.keySet().forEach(k -> keys.put(k, true));
      List<Map<String, Object>> rows = new ArrayList<>();
      Duration window = inspection.window();
      for (Key key : keys.keySet()) {
        rows.add(row(key, journal.get(key), reports.getOrDefault(key, List.of()), frozenThrough, window));
      }
      print(rows);
      return 0;
    }
  }

  private static Map<String, Object> row(Key key, BigInteger journalUnits, List<UsageReport> reports, long frozenThrough,
      Duration window) {
    Map<String, Object> row = new LinkedHashMap<>();
    Instant hourStart = Instant.ofEpochMilli(key.epochHour() * Hours.MILLIS_PER_HOUR);
    row.put("hour", hourStart.toString());
    row.put("dimension", key.dimension());
    row.put("journalUnits", journalUnits == null ? null : journalUnits);
    String state = reports.isEmpty()
        ? (key.epochHour() > frozenThrough ? "OPEN" : journalUnits == null ? "-" : "CARRIED_LATE")
        : reports.stream().map(r -> r.state().name()).collect(Collectors.joining(","));
    row.put("state", state);
    row.put("reportedQuantity", reports.stream().filter(r -> r.state() != ReportState.CARRIED)
        .mapToLong(UsageReport::quantity).sum());
    row.put("reportIds", reports.stream().map(r -> Long.toString(r.id())).collect(Collectors.joining(",")));
    row.put("meteringRecordId", reports.stream().map(UsageReport::meteringRecordId).filter(id -> id != null)
        .collect(Collectors.joining(",")));
    row.put("deadline", hourStart.plus(window).toString());
    row.put("reason", reports.stream().map(UsageReport::reason).filter(r -> r != null).collect(Collectors.joining("; ")));
    return row;
  }

  private void print(List<Map<String, Object>> rows) {
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(Json.write(rows));
      return;
    }
    Table table = new Table("hour (UTC)", "dimension", "journal units", "state", "reported", "report id",
        "MeteringRecordId", "deadline (UTC)");
    for (Map<String, Object> r : rows) {
      table.row(r.get("hour"), r.get("dimension"), r.get("journalUnits"), r.get("state"), r.get("reportedQuantity"),
          r.get("reportIds"), r.get("meteringRecordId"), r.get("deadline"));
    }
    out.print(table);
    if (rows.isEmpty()) {
      out.println("(no hours yet)");
    }
  }
}
