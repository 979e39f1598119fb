package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The figures of {@code meter.status()} that a journal directory holds, read from outside the
 * application: pending units per hour, the oldest unsent hour and its time left, the last success, the
 * accepted, carried and dead-lettered totals, quarantined dimensions and disk use. A SaaS directory
 * sums pending units and the carry pool per dimension over its buyers (the {@code customers} command
 * has them per buyer), and adds how many buyers have pending units and which buyers are quarantined
 * (CustomerNotSubscribed or an invalid buyer, probed again every 30 minutes). Figures that live
 * only in the running process (last error, consecutive failures, circuit state, refused units, disk-low
 * flag) are not in the directory and are shown as such.
 */
final class DirectoryStatus {
  static final String PROCESS_ONLY = "n/a from the directory: see meter.status() in the application";

  private DirectoryStatus() { }

  static Map<String, Object> of(JournalInspection inspection, InstantSource clock) {
    JournalInspection.Summary summary = inspection.summary();
    List<JournalInspection.ReportView> reports = inspection.reports();
    List<JournalInspection.HourCheck> checks = inspection.verify();
    Instant now = clock.instant();

    SortedMap<Instant, Map<String, Long>> pending = new TreeMap<>();
    long frozenThrough = summary.frozenThrough() == null ? Long.MIN_VALUE : summary.frozenThrough();
    boolean hourly = !"AGENTCORE".equals(summary.mode());
    if (hourly) {
      for (JournalInspection.HourCheck check : checks) {
        if (check.epochHour() > frozenThrough && check.journalUnits().signum() > 0) {
          add(pending, check.epochHour(), check.dimension(), check.journalUnits().longValueExact());
        }
      }
    }
    Set<String> pendingBuyers = new HashSet<>();
    for (JournalInspection.HourCheck check : checks) {
      if (hourly && check.buyer() != null && check.epochHour() > frozenThrough && check.journalUnits().signum() > 0) {
        pendingBuyers.add(check.buyer());
      }
    }
    Instant lastSuccess = null;
    for (JournalInspection.ReportView view : reports) {
      UsageReport r = view.report();
      if (r.state() == ReportState.FROZEN || r.state() == ReportState.IN_FLIGHT) {
        add(pending, r.epochHour(), r.dimension(), r.quantity());
        if (r.buyer() != null) {
          pendingBuyers.add(r.buyer().key());
        }
      } else if (r.state() == ReportState.ACCEPTED && (lastSuccess == null || r.updatedAt().isAfter(lastSuccess))) {
        lastSuccess = r.updatedAt();
      }
    }
    Instant oldest = pending.isEmpty() ? null : pending.firstKey();

    Map<String, Object> map = new LinkedHashMap<>();
    map.put("directory", inspection.directory().toString());
    map.put("at", now.toString());
    map.put("mode", summary.mode() == null ? "not drained yet" : summary.mode());
    map.put("drainerRunning", summary.drainerRunning());
    map.put("pendingUnitsByHour", pendingMap(pending));
    map.put("carryPool", byDimension(summary.carryPool()));
    map.put("oldestUnsentHour", oldest == null ? null : oldest.toString());
    map.put("timeLeftBeforeDeadline", oldest == null ? null
        : Duration.between(now, inspection.reportWindow().closes(oldest)).toString());
    map.put("lastSuccess", lastSuccess == null ? null : lastSuccess.toString());
    map.put("acceptedReports", summary.counters().acceptedReports());
    map.put("acceptedUnits", summary.counters().acceptedUnits());
    map.put("carriedUnits", summary.counters().carriedUnits());
    map.put("deadLetteredReports", summary.counters().deadLetteredReports());
    map.put("deadLetteredUnits", summary.counters().deadLetteredUnits());
    map.put("quarantinedDimensions", new TreeSet<>(summary.quarantined().keySet()));
    if (inspection.saas()) {
      map.put("customersWithPendingUnits", pendingBuyers.size());
      map.put("customersInCarryPool", summary.carryPool().keySet().stream().map(UsageKey::buyer)
          .filter(b -> b != null).distinct().count());
      map.put("quarantinedCustomers", new TreeMap<>(summary.quarantinedBuyers()));
    }
    map.put("reportsByState", new TreeMap<>(summary.reportsByState()));
    map.put("frozenThrough", summary.frozenThrough() == null ? null : Hours.format(summary.frozenThrough()));
    map.put("journalHours", summary.journalHours().size());
    map.put("journalBytes", summary.journalBytes());
    map.put("ledgerBytes", summary.ledgerBytes());
    for (String field : List.of("lastError", "consecutiveFailures", "sending", "circuitState", "refusedUnits",
        "diskLow")) {
      map.put(field, PROCESS_ONLY);
    }
    return map;
  }

  private static void add(SortedMap<Instant, Map<String, Long>> pending, long epochHour, String dimension, long units) {
    pending.computeIfAbsent(Instant.ofEpochMilli(epochHour * Hours.MILLIS_PER_HOUR), h -> new TreeMap<>())
        .merge(dimension, units, Long::sum);
  }

  private static Map<String, Object> pendingMap(SortedMap<Instant, Map<String, Long>> pending) {
    Map<String, Object> map = new LinkedHashMap<>();
    pending.forEach((hour, units) -> map.put(hour.toString(), units));
    return map;
  }

  /** The carry pool per dimension: as the ledger keeps it outside SaaS, summed over buyers in SaaS. */
  private static Map<String, Long> byDimension(Map<UsageKey, BigInteger> units) {
    Map<String, BigInteger> sums = new TreeMap<>();
    units.forEach((key, n) -> sums.merge(key.dimension(), n, BigInteger::add));
    Map<String, Long> out = new TreeMap<>();
    sums.forEach((d, n) -> out.put(d, n.longValueExact()));
    return out;
  }
}
