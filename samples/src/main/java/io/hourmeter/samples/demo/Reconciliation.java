package io.hourmeter.samples.demo;

import io.hourmeter.samples.support.Table;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demo's final account, per dimension and hour: units <b>recorded</b> (summed from the journal),
 * <b>reported</b> (the hour's report in the ledger), <b>accepted</b> (what the Metering endpoint holds),
 * and <b>carried</b> (units the hour's report took in from earlier hours, or gave to later ones, negative).
 * It also holds the application's own count of acknowledged and attempted units.
 *
 * <p>It matches when, for every dimension: every report is final and accepted (or dead-lettered), each
 * accepted report's quantity is exactly what the endpoint accepted for that hour, the hours' recorded
 * units sum to the accepted plus dead-lettered units (carries cancel out), and the journal holds at
 * least every unit the application saw acknowledged and at most every unit it attempted (exactly them
 * when the process was never killed).
 *
 * <p>Immutable once built; not thread-safe while being built.
 */
final class Reconciliation {

  /** One (dimension, hour) row. */
  record Row(String dimension, long epochHour, long recorded, long reported, Long accepted, String state,
      String recordId) {
    long carried() {
      return reported - recorded;
    }
  }

  /** The application's own count for a dimension. */
  record AppCount(long acknowledged, long attempted) { }

  private final Map<String, Map<Long, Long>> recorded;
  private final List<UsageReport> reports;
  private final Map<String, Map<Long, Long>> acceptedByEndpoint;
  private final Map<String, AppCount> app;
  private final List<String> problems = new ArrayList<>();
  private final List<Row> rows = new ArrayList<>();

  /**
   * @param recorded           per dimension, per epoch hour: units in the journal
   * @param reports            every report in the ledger
   * @param acceptedByEndpoint per dimension, per epoch hour: the quantity the endpoint accepted, or
   *                           {@code null} when there is no endpoint to ask (real AWS)
   * @param app                per dimension: what the application saw
   */
  Reconciliation(Map<String, Map<Long, Long>> recorded, List<UsageReport> reports,
      Map<String, Map<Long, Long>> acceptedByEndpoint, Map<String, AppCount> app) {
    this.recorded = Objects.requireNonNull(recorded, "recorded");
    this.reports = List.copyOf(reports);
    this.acceptedByEndpoint = acceptedByEndpoint;
    this.app = Objects.requireNonNull(app, "app");
    check();
  }

  boolean matches() {
    return problems.isEmpty();
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  private void check() {
    TreeSet<String> dimensions = new TreeSet<>(app.keySet());
    dimensions.addAll(recorded.keySet());
    reports.forEach(r -> dimensions.add(r.dimension()));
    for (String dimension : dimensions) {
      checkDimension(dimension);
    }
    if (rows.stream().mapToLong(Row::recorded).sum() == 0) {
      problems.add("nothing was recorded, so there is nothing to reconcile");
    }
  }

  private void checkDimension(String dimension) {
    Map<Long, Long> journal = recorded.getOrDefault(dimension, Map.of());
    Map<Long, List<UsageReport>> byHour = new TreeMap<>();
    for (UsageReport report : reports) {
      if (report.dimension().equals(dimension)) {
        byHour.computeIfAbsent(report.epochHour(), h -> new ArrayList<>()).add(report);
      }
    }
    TreeSet<Long> hours = new TreeSet<>(journal.keySet());
    hours.addAll(byHour.keySet());
    long recordedTotal = 0;
    long settledTotal = 0;
    for (long hour : hours) {
      long inJournal = journal.getOrDefault(hour, 0L);
      recordedTotal += inJournal;
      List<UsageReport> hourReports = byHour.getOrDefault(hour, List.of());
      long reported = 0;
      List<String> states = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (UsageReport report : hourReports) {
        states.add(report.state().name());
        if (report.meteringRecordId() != null) {
          ids.add(report.meteringRecordId());
        }
        if (report.state() == ReportState.ACCEPTED || report.state() == ReportState.DEAD_LETTERED) {
          reported += report.quantity();
          settledTotal += report.quantity();
        } else if (report.state() != ReportState.CARRIED) {
          problems.add(dimension + " " + hourText(hour) + ": report " + report.id() + " is still "
              + report.state());
        }
      }
      long acceptedHere = hourReports.stream().filter(r -> r.state() == ReportState.ACCEPTED)
          .mapToLong(UsageReport::quantity).sum();
      Long endpoint = null;
      if (acceptedByEndpoint != null) {
        endpoint = acceptedByEndpoint.getOrDefault(dimension, Map.of()).get(hour);
        long atEndpoint = endpoint == null ? 0 : endpoint;
        if (atEndpoint != acceptedHere) {
          problems.add(dimension + " " + hourText(hour) + ": the ledger says " + acceptedHere
              + " accepted but the endpoint holds " + atEndpoint);
        }
      }
      rows.add(new Row(dimension, hour, inJournal, reported,
          acceptedByEndpoint != null ? endpoint : Long.valueOf(acceptedHere),
          String.join(",", states), String.join(",", ids)));
    }
    if (recordedTotal != settledTotal) {
      problems.add(dimension + ": " + recordedTotal + " units recorded but " + settledTotal
          + " accepted or dead-lettered");
    }
    AppCount count = app.get(dimension);
    if (count != null && (recordedTotal < count.acknowledged() || recordedTotal > count.attempted())) {
      problems.add(dimension + ": the journal holds " + recordedTotal + " units but the application saw "
          + count.acknowledged() + " acknowledged of " + count.attempted() + " attempted");
    }
  }

  /** The table the demo prints. */
  String table() {
    Table table = new Table("dimension", "hour (UTC)", "recorded", "reported", "accepted", "carried",
        "state", "record id");
    for (Row row : rows) {
      table.row(row.dimension(), hourText(row.epochHour()), row.recorded(), row.reported(),
          row.accepted() == null ? "-" : row.accepted(), signed(row.carried()), row.state(),
          abbreviate(row.recordId()));
    }
    return table.toString();
  }

  /** Per-dimension totals, with the application's own count. */
  String totals() {
    Table table = new Table("dimension", "recorded", "accepted+dead", "app acknowledged", "app attempted");
    Map<String, long[]> sums = new TreeMap<>();
    for (Row row : rows) {
      long[] sum = sums.computeIfAbsent(row.dimension(), d -> new long[2]);
      sum[0] += row.recorded();
      sum[1] += row.reported();
    }
    sums.forEach((dimension, sum) -> {
      AppCount count = app.get(dimension);
      table.row(dimension, sum[0], sum[1], count == null ? "-" : count.acknowledged(),
          count == null ? "-" : count.attempted());
    });
    return table.toString();
  }

  private static String signed(long value) {
    return value == 0 ? "0" : value > 0 ? "+" + value : Long.toString(value);
  }

  /** The tail of each record id: AWS's ids share long prefixes. */
  private static String abbreviate(String ids) {
    StringBuilder out = new StringBuilder();
    for (String id : ids.split(",")) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(id.length() <= 16 ? id : "..." + id.substring(id.length() - 12));
    }
    return out.toString();
  }

  static String hourText(long epochHour) {
    return Instant.ofEpochMilli(epochHour * 3_600_000L).toString().substring(0, 13);
  }
}
