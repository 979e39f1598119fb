package io.hourmeter.samples.demo;

import io.hourmeter.Buyer;
import io.hourmeter.samples.support.Table;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demo's final account, per usage key (a dimension; in SaaS mode a buyer's dimension) and hour:
 * units <b>recorded</b> (summed from the journal), <b>reported</b> (the hour's reports in the ledger),
 * <b>accepted</b> (what the Metering endpoint holds), <b>dead-lettered</b>, <b>pending</b> (SaaS: reports
 * of a buyer AWS refused, waiting in quarantine for a probe) and <b>carried</b> (units the hour's report
 * took in from earlier hours, or gave to later ones, negative). It also holds the application's own
 * count of acknowledged and attempted units per key.
 *
 * <p>It matches when, for every key: every report is final (accepted, dead-lettered or carried) or, in
 * SaaS mode, waits because its buyer was refused; each hour's accepted units are exactly what the
 * endpoint holds for it; the recorded units sum to the accepted, dead-lettered and pending units
 * (carries cancel out); and the journal holds at least every unit the application saw acknowledged and
 * at most every unit it attempted (exactly them when the process was never killed). In SaaS mode,
 * moreover, a subscribed buyer's usage must all be accepted, and a buyer the endpoint does not know
 * must be billed nothing, its usage dead-lettered as CustomerNotSubscribed or waiting.
 *
 * <p>Immutable once built; not thread-safe while being built.
 */
final class Reconciliation {
  /** How the reason of a report that AWS refused for a buyer without a subscription begins. */
  static final String NOT_SUBSCRIBED = "CustomerNotSubscribed";

  /** One (key, hour) row; {@code reported} is its reports' accepted, dead-lettered and pending units. */
  record Row(UsageKey key, long epochHour, long recorded, long reported, Long accepted, long deadLettered,
      long pending, String state, String recordId) {
    String dimension() {
      return key.dimension();
    }

    long carried() {
      return reported - recorded;
    }
  }

  /** The application's own count for a key. */
  record AppCount(long acknowledged, long attempted) {
    static final AppCount NONE = new AppCount(0, 0);

    AppCount plus(AppCount other) {
      return new AppCount(acknowledged + other.acknowledged, attempted + other.attempted);
    }
  }

  /** One SaaS buyer's totals over its dimensions and hours. */
  record CustomerTotals(Buyer buyer, boolean subscribed, long recorded, long accepted, long deadLettered,
      long pending, AppCount app) { }

  private final Map<UsageKey, Map<Long, Long>> recorded;
  private final List<UsageReport> reports;
  private final Map<UsageKey, Map<Long, Long>> acceptedByEndpoint;
  private final Map<UsageKey, AppCount> app;
  private final DemoBuyers buyers;
  /**
   * The fleet demo: the reports are the fleet sender's, whose ledger lets an accepted report go once its
   * outcome is on the outcomes topic, so what was accepted is what the endpoint holds.
   */
  private final boolean acceptedFromEndpoint;
  /** SaaS: the buyers with a CustomerNotSubscribed dead letter, whose later reports wait for a probe. */
  private final Set<Buyer> refused = new HashSet<>();
  private final List<String> problems = new ArrayList<>();
  private final List<Row> rows = new ArrayList<>();
  private final Map<Buyer, CustomerTotals> customers = new LinkedHashMap<>();

  /**
   * The account of a meter without buyers (hourly mode), keyed by dimension name.
   *
   * @param recorded           per dimension, per epoch hour: units in the journal
   * @param reports            every report in the ledger
   * @param acceptedByEndpoint per dimension, per epoch hour: the quantity the endpoint accepted, or
   *                           {@code null} when there is no endpoint to ask (real AWS)
   * @param app                per dimension: what the application saw
   */
  Reconciliation(Map<String, Map<Long, Long>> recorded, List<UsageReport> reports,
      Map<String, Map<Long, Long>> acceptedByEndpoint, Map<String, AppCount> app) {
    this(byDimension(recorded), reports, acceptedByEndpoint == null ? null : byDimension(acceptedByEndpoint),
        byDimension(app), null, false);
  }

  /**
   * @param buyers the SaaS demo's buyers, and who is not subscribed; {@code null} for a meter without
   *               buyers
   */
  private Reconciliation(Map<UsageKey, Map<Long, Long>> recorded, List<UsageReport> reports,
      Map<UsageKey, Map<Long, Long>> acceptedByEndpoint, Map<UsageKey, AppCount> app, DemoBuyers buyers,
      boolean acceptedFromEndpoint) {
    this.recorded = Objects.requireNonNull(recorded, "recorded");
    this.reports = List.copyOf(reports);
    this.acceptedByEndpoint = acceptedByEndpoint;
    this.app = Objects.requireNonNull(app, "app");
    this.buyers = buyers;
    this.acceptedFromEndpoint = acceptedFromEndpoint;
    check();
  }

  /** The account of a meter without buyers, keyed by {@link UsageKey}s without a buyer. */
  static Reconciliation ofDimensions(Map<UsageKey, Map<Long, Long>> recorded, List<UsageReport> reports,
      Map<UsageKey, Map<Long, Long>> acceptedByEndpoint, Map<UsageKey, AppCount> app) {
    return new Reconciliation(recorded, reports, acceptedByEndpoint, app, null, false);
  }

  /** The account of the SaaS demo's meter: per buyer and dimension, and per buyer. */
  static Reconciliation ofBuyers(Map<UsageKey, Map<Long, Long>> recorded, List<UsageReport> reports,
      Map<UsageKey, Map<Long, Long>> acceptedByEndpoint, Map<UsageKey, AppCount> app, DemoBuyers buyers) {
    return new Reconciliation(recorded, reports, Objects.requireNonNull(acceptedByEndpoint, "acceptedByEndpoint"),
        app, Objects.requireNonNull(buyers, "buyers"), false);
  }

  /**
   * The account of the fleet demo ({@link FleetDemo}): {@code recorded} is every host's journal summed,
   * {@code reports} the fleet sender's ledger, in which an accepted report does not stay, so that the
   * accepted column is the endpoint's records; dead-lettered and waiting reports are the ledger's.
   */
  static Reconciliation ofFleet(Map<UsageKey, Map<Long, Long>> recorded, List<UsageReport> reports,
      Map<UsageKey, Map<Long, Long>> acceptedByEndpoint, Map<UsageKey, AppCount> app, DemoBuyers buyers) {
    return new Reconciliation(recorded, reports, Objects.requireNonNull(acceptedByEndpoint, "acceptedByEndpoint"),
        app, Objects.requireNonNull(buyers, "buyers"), true);
  }

  private static <V> Map<UsageKey, V> byDimension(Map<String, V> byName) {
    Map<UsageKey, V> keyed = new TreeMap<>();
    byName.forEach((name, value) -> keyed.put(UsageKey.of(name), value));
    return keyed;
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

  /** SaaS: every buyer's totals, in the demo's order; empty for a meter without buyers. */
  List<CustomerTotals> customers() {
    return List.copyOf(customers.values());
  }

  private boolean saas() {
    return buyers != null;
  }

  private void check() {
    for (UsageReport report : reports) {
      if (report.buyer() != null && report.state() == ReportState.DEAD_LETTERED && report.reason() != null
          && report.reason().startsWith(NOT_SUBSCRIBED)) {
        refused.add(report.buyer());
      }
    }
    TreeSet<UsageKey> keys = new TreeSet<>(app.keySet());
    keys.addAll(recorded.keySet());
    reports.forEach(r -> keys.add(r.key()));
    if (acceptedByEndpoint != null) {
      keys.addAll(acceptedByEndpoint.keySet());
    }
    for (UsageKey key : keys) {
      checkKey(key);
    }
    if (rows.stream().mapToLong(Row::recorded).sum() == 0) {
      problems.add("nothing was recorded, so there is nothing to reconcile");
    }
    if (saas()) {
      checkBuyers();
    }
  }

  private void checkKey(UsageKey key) {
    Map<Long, Long> journal = recorded.getOrDefault(key, Map.of());
    Map<Long, Long> endpointHours = acceptedByEndpoint == null ? Map.of()
        : acceptedByEndpoint.getOrDefault(key, Map.of());
    Map<Long, List<UsageReport>> byHour = new TreeMap<>();
    for (UsageReport report : reports) {
      if (report.key().equals(key)) {
        byHour.computeIfAbsent(report.epochHour(), h -> new ArrayList<>()).add(report);
      }
    }
    TreeSet<Long> hours = new TreeSet<>(journal.keySet());
    hours.addAll(byHour.keySet());
    hours.addAll(endpointHours.keySet());
    long recordedTotal = 0;
    long settledTotal = 0;
    for (long hour : hours) {
      long inJournal = journal.getOrDefault(hour, 0L);
      recordedTotal += inJournal;
      List<UsageReport> hourReports = byHour.getOrDefault(hour, List.of());
      long acceptedHere = 0;
      long deadHere = 0;
      long pendingHere = 0;
      List<String> states = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (UsageReport report : hourReports) {
        states.add(report.state().name());
        if (report.meteringRecordId() != null) {
          ids.add(report.meteringRecordId());
        }
        switch (report.state()) {
          case ACCEPTED -> acceptedHere += acceptedFromEndpoint ? 0 : report.quantity();
          case DEAD_LETTERED -> deadHere += report.quantity();
          case CARRIED -> { }
          default -> {
            if (saas() && refused.contains(report.buyer())) {
              pendingHere += report.quantity(); // quarantined: waits for the next probe
            } else {
              problems.add(key + " " + hourText(hour) + ": report " + report.id() + " is still " + report.state());
            }
          }
        }
      }
      long reported = acceptedHere + deadHere + pendingHere;
      settledTotal += reported;
      Long endpoint = null;
      if (acceptedByEndpoint != null) {
        endpoint = endpointHours.get(hour);
        long atEndpoint = endpoint == null ? 0 : endpoint;
        if (acceptedFromEndpoint) {
          acceptedHere = atEndpoint;
          reported += atEndpoint;
          settledTotal += atEndpoint;
        } else if (atEndpoint != acceptedHere) {
          problems.add(key + " " + hourText(hour) + ": the ledger says " + acceptedHere
              + " accepted but the endpoint holds " + atEndpoint);
        }
      }
      rows.add(new Row(key, hour, inJournal, reported, acceptedByEndpoint != null ? endpoint : Long.valueOf(acceptedHere),
          deadHere, pendingHere, String.join(",", states), String.join(",", ids)));
    }
    if (recordedTotal != settledTotal) {
      problems.add(key + ": " + recordedTotal + " units recorded but " + settledTotal
          + (saas() ? " accepted, dead-lettered or waiting in quarantine" : " accepted or dead-lettered"));
    }
    AppCount count = app.get(key);
    if (count != null && (recordedTotal < count.acknowledged() || recordedTotal > count.attempted())) {
      problems.add(key + ": the journal holds " + recordedTotal + " units but the application saw "
          + count.acknowledged() + " acknowledged of " + count.attempted() + " attempted");
    }
  }

  /**
   * SaaS: every buyer's totals, and what its subscription implies: a subscribed buyer has everything
   * accepted, one that is not has nothing accepted and its usage refused as CustomerNotSubscribed.
   */
  private void checkBuyers() {
    Map<Buyer, long[]> sums = new LinkedHashMap<>();
    buyers.buyers().forEach(b -> sums.put(b, new long[4]));
    for (Row row : rows) {
      Buyer buyer = row.key().buyer();
      if (buyer == null || !sums.containsKey(buyer)) {
        problems.add(row.key() + ": usage of a customer the demo did not make");
        continue;
      }
      long[] sum = sums.get(buyer);
      sum[0] += row.recorded();
      sum[1] += row.accepted() == null ? 0 : row.accepted();
      sum[2] += row.deadLettered();
      sum[3] += row.pending();
    }
    Map<Buyer, AppCount> appByBuyer = new LinkedHashMap<>();
    app.forEach((key, count) -> {
      if (key.buyer() != null) {
        appByBuyer.merge(key.buyer(), count, AppCount::plus);
      }
    });
    for (Map.Entry<Buyer, long[]> entry : sums.entrySet()) {
      Buyer buyer = entry.getKey();
      long[] sum = entry.getValue();
      boolean subscribed = !buyers.notSubscribed().contains(buyer);
      String name = DemoBuyers.label(buyer);
      if (subscribed && sum[2] + sum[3] > 0) {
        problems.add(name + ": subscribed, but " + sum[2] + " units were dead-lettered and " + sum[3]
            + " wait unsent");
      }
      if (!subscribed && sum[1] > 0) {
        problems.add(name + ": not subscribed, but " + sum[1] + " units were accepted (billed)");
      }
      if (!subscribed && sum[0] > 0 && !refused.contains(buyer)) {
        problems.add(name + ": not subscribed, but none of its reports was refused as " + NOT_SUBSCRIBED);
      }
      customers.put(buyer, new CustomerTotals(buyer, subscribed, sum[0], sum[1], sum[2], sum[3],
          appByBuyer.getOrDefault(buyer, AppCount.NONE)));
    }
    for (UsageReport report : reports) {
      if (report.state() == ReportState.DEAD_LETTERED && buyers.notSubscribed().contains(report.buyer())
          && (report.reason() == null || !report.reason().startsWith(NOT_SUBSCRIBED))) {
        problems.add(report.key() + " " + hourText(report.epochHour()) + ": report " + report.id()
            + " dead-lettered for another reason than " + NOT_SUBSCRIBED + ": " + report.reason());
      }
    }
  }

  /** The whole account as the demo prints it: its tables, with a heading each. */
  String report() {
    StringBuilder out = new StringBuilder();
    if (!saas()) {
      out.append("Reconciliation per dimension and hour (carried: units this hour's report took from ")
          .append("earlier hours, or gave to later ones):\n").append(table()).append('\n').append(totals());
      return out.toString();
    }
    out.append("Reconciliation per dimension and hour, all ").append(customers.size())
        .append(" customers summed (carried: units taken from earlier hours, or given to later ones; ")
        .append("pending: reports of customers AWS refused, waiting in quarantine for a probe):\n")
        .append(hourTable()).append('\n')
        .append("Reconciliation per customer (accepted: what the endpoint billed):\n")
        .append(customerTable()).append('\n')
        .append(customerTotals());
    return out.toString();
  }

  /** The sentence the demo ends with when the account matches. */
  String verdict() {
    if (!saas()) {
      return "RECONCILED: every recorded unit was accepted exactly once; nothing lost, nothing doubled.";
    }
    long subscribed = customers.values().stream().filter(CustomerTotals::subscribed).count();
    long dead = customers.values().stream().filter(c -> !c.subscribed()).mapToLong(CustomerTotals::deadLettered).sum();
    long pending = customers.values().stream().filter(c -> !c.subscribed()).mapToLong(CustomerTotals::pending).sum();
    return "RECONCILED: every unit recorded for the " + subscribed + " subscribed customers was accepted exactly "
        + "once; the " + (customers.size() - subscribed) + " customers that are not subscribed were billed nothing ("
        + String.format("%,d", dead) + " units dead-lettered as " + NOT_SUBSCRIBED + ", " + String.format("%,d", pending)
        + " waiting in quarantine).";
  }

  /** The table per key and hour (hourly mode: per dimension and hour). */
  String table() {
    Table table = new Table("dimension", "hour (UTC)", "recorded", "reported", "accepted", "carried",
        "state", "record id");
    for (Row row : rows) {
      table.row(row.key().toString(), hourText(row.epochHour()), row.recorded(), row.reported(),
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
    Map<String, AppCount> counts = new TreeMap<>();
    app.forEach((key, count) -> counts.merge(key.dimension(), count, AppCount::plus));
    sums.forEach((dimension, sum) -> {
      AppCount count = counts.get(dimension);
      table.row(dimension, sum[0], sum[1], count == null ? "-" : count.acknowledged(),
          count == null ? "-" : count.attempted());
    });
    return table.toString();
  }

  /** SaaS: per dimension and hour, every buyer's rows summed, with the reports' states counted. */
  String hourTable() {
    Map<String, Map<Long, long[]>> sums = new TreeMap<>();
    for (Row row : rows) {
      long[] sum = sums.computeIfAbsent(row.dimension(), d -> new TreeMap<>())
          .computeIfAbsent(row.epochHour(), h -> new long[6]);
      sum[0] += row.recorded() > 0 ? 1 : 0;
      sum[1] += row.recorded();
      sum[2] += row.accepted() == null ? 0 : row.accepted();
      sum[3] += row.deadLettered();
      sum[4] += row.pending();
      sum[5] += row.carried();
    }
    Map<String, Map<Long, Map<ReportState, Integer>>> states = new TreeMap<>();
    for (UsageReport report : reports) {
      states.computeIfAbsent(report.dimension(), d -> new TreeMap<>())
          .computeIfAbsent(report.epochHour(), h -> new TreeMap<>()).merge(report.state(), 1, Integer::sum);
    }
    Table table = new Table("dimension", "hour (UTC)", "customers", "recorded", "accepted", "dead-lettered",
        "pending", "carried", "reports");
    sums.forEach((dimension, hours) -> hours.forEach((hour, sum) -> {
      StringBuilder reportStates = new StringBuilder();
      states.getOrDefault(dimension, Map.of()).getOrDefault(hour, Map.of()).forEach((state, n) ->
          reportStates.append(reportStates.length() == 0 ? "" : ", ").append(n).append(' ').append(state));
      table.row(dimension, hourText(hour), sum[0], sum[1], sum[2], sum[3], sum[4], signed(sum[5]), reportStates);
    }));
    return table.toString();
  }

  /** SaaS: one row per buyer, in the demo's order. */
  String customerTable() {
    Table table = new Table("customer", "form", "subscribed", "recorded", "accepted", "dead-lettered", "pending",
        "app acknowledged", "app attempted", "outcome");
    for (CustomerTotals c : customers.values()) {
      table.row(DemoBuyers.label(c.buyer()), DemoBuyers.form(c.buyer()), c.subscribed() ? "yes" : "no",
          c.recorded(), c.accepted(), c.deadLettered(), c.pending(), c.app().acknowledged(), c.app().attempted(),
          outcome(c));
    }
    return table.toString();
  }

  private static String outcome(CustomerTotals c) {
    if (c.recorded() == 0) {
      return "no usage";
    }
    if (c.subscribed()) {
      return c.accepted() == c.recorded() ? "billed" : "NOT ALL BILLED";
    }
    return c.accepted() == 0 ? "not billed: " + NOT_SUBSCRIBED + (c.pending() > 0 ? ", quarantined" : "")
        : "BILLED WITHOUT A SUBSCRIPTION";
  }

  /** SaaS: the buyers' totals, subscribed and not, by form. */
  String customerTotals() {
    Map<String, CustomerTotals> groups = new TreeMap<>();
    for (CustomerTotals c : customers.values()) {
      String group = (c.subscribed() ? "subscribed" : "not subscribed") + ", " + DemoBuyers.form(c.buyer());
      groups.merge(group, c, (a, b) -> new CustomerTotals(null, a.subscribed(), a.recorded() + b.recorded(),
          a.accepted() + b.accepted(), a.deadLettered() + b.deadLettered(), a.pending() + b.pending(),
          a.app().plus(b.app())));
    }
    Map<String, Integer> counts = new TreeMap<>();
    customers.values().forEach(c -> counts.merge((c.subscribed() ? "subscribed" : "not subscribed") + ", "
        + DemoBuyers.form(c.buyer()), 1, Integer::sum));
    Table table = new Table("customers", "count", "recorded", "accepted", "dead-lettered", "pending",
        "app acknowledged", "app attempted");
    groups.forEach((group, c) -> table.row(group, counts.get(group), c.recorded(), c.accepted(), c.deadLettered(),
        c.pending(), c.app().acknowledged(), c.app().attempted()));
    CustomerTotals all = customers.values().stream().reduce(new CustomerTotals(null, true, 0, 0, 0, 0, AppCount.NONE),
        (a, b) -> new CustomerTotals(null, true, a.recorded() + b.recorded(), a.accepted() + b.accepted(),
            a.deadLettered() + b.deadLettered(), a.pending() + b.pending(), a.app().plus(b.app())));
    table.row("all", customers.size(), all.recorded(), all.accepted(), all.deadLettered(), all.pending(),
        all.app().acknowledged(), all.app().attempted());
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
