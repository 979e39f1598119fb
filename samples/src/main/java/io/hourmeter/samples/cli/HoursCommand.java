package io.hourmeter.samples.cli;

import io.hourmeter.internal.drain.ReportWindow;
import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.Json;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hourmeter hours}: per hour and dimension (and SaaS buyer), the units the journal holds, the
 * report's state and quantity, AWS's MeteringRecordId and the deadline (the end of AWS's window: six
 * hours for MeterUsage; 24 for BatchMeterUsage, cut off at 06:00 UTC on the next month's 1st) and
 * the reports' allocations as {@code tags:units} ({@code (untagged)} for usage without tags). A SaaS
 * directory gets a customer column, and {@code --customer} keeps one buyer's rows.
 */
@Command(name = "hours", description = "Per hour and dimension (and SaaS customer): units, report state, quantity, "
    + "record id, deadline.")
final class HoursCommand implements Callable<Integer> {
  @Mixin
  private JournalOptions options;

  @Mixin
  private CustomerFilter customers;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    try (JournalInspection inspection = JournalAccess.inspect(options)) {
      JournalInspection.Summary summary = inspection.summary();
      boolean saas = inspection.saas();
      customers.requireSaas(saas, summary.mode());
      long frozenThrough = summary.frozenThrough() == null ? Long.MIN_VALUE : summary.frozenThrough();
      Map<HourKey, BigInteger> journal = new TreeMap<>();
      for (JournalInspection.HourCheck check : inspection.verify(customers.buyers())) {
        journal.put(new HourKey(check.epochHour(), check.buyer(), check.dimension()), check.journalUnits());
      }
      Map<HourKey, List<UsageReport>> reports = new TreeMap<>();
      for (JournalInspection.ReportView view : inspection.reports()) {
        UsageReport r = view.report();
        if (customers.accepts(r.buyer())) {
          reports.computeIfAbsent(new HourKey(r.epochHour(), r.buyer() == null ? null : r.buyer().key(),
              r.dimension()), k -> new ArrayList<>()).add(r);
        }
      }
      TreeSet<HourKey> keys = new TreeSet<>(journal.keySet());
      keys.addAll(reports.keySet());
      List<Map<String, Object>> rows = new ArrayList<>();
      ReportWindow window = inspection.reportWindow();
      for (HourKey key : keys) {
        rows.add(row(key, saas, journal.get(key), reports.getOrDefault(key, List.of()), frozenThrough, window));
      }
      print(rows, saas);
      return 0;
    }
  }

  private static Map<String, Object> row(HourKey key, boolean saas, BigInteger journalUnits, List<UsageReport> reports,
      long frozenThrough, ReportWindow window) {
    Map<String, Object> row = new LinkedHashMap<>();
    Instant hourStart = Instant.ofEpochMilli(key.epochHour() * Hours.MILLIS_PER_HOUR);
    row.put("hour", hourStart.toString());
    if (saas) {
      BuyerColumns.putKey(row, key.buyer());
    }
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
    row.put("allocations", reports.stream().filter(r -> r.state() != ReportState.CARRIED)
        .flatMap(r -> r.allocations().stream())
        .map(a -> (a.tags().isEmpty() ? "(untagged)" : io.hourmeter.Tags.of(a.tags()).toString()) + ":" + a.quantity())
        .collect(Collectors.joining(" ")));
    row.put("deadline", window.closes(hourStart).toString());
    row.put("reason", reports.stream().map(UsageReport::reason).filter(r -> r != null).collect(Collectors.joining("; ")));
    return row;
  }

  private void print(List<Map<String, Object>> rows, boolean saas) {
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(Json.write(rows));
      return;
    }
    RowTable table = new RowTable(saas).column("hour (UTC)", "hour").column("dimension", "dimension")
        .column("journal units", "journalUnits").column("state", "state").column("reported", "reportedQuantity")
        .column("report id", "reportIds").column("MeteringRecordId", "meteringRecordId")
        .column("deadline (UTC)", "deadline").column("allocations (tags:units)", "allocations").addAll(rows);
    out.print(table);
    if (rows.isEmpty()) {
      out.println(customers.isSet() ? "(no hours for this customer)" : "(no hours yet)");
    }
  }
}
