package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.Json;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hourmeter verify}: recomputes every hour from the journal and compares it with the ledger, in
 * two ways.
 * <ol>
 *   <li><b>Per hour:</b> for every frozen hour and dimension (and SaaS buyer), the units the journal
 *       holds against the units the drainer accounted for it ({@link JournalInspection#verify()}).</li>
 *   <li><b>Per dimension (hourly and SaaS modes; per buyer and dimension in SaaS):</b> every unit
 *       journaled in a frozen hour must be in exactly one report that was not carried on (accepted,
 *       waiting or dead-lettered) or in the carry pool:
 *       {@code journal units of frozen hours = report quantities + carry pool}. This catches a report
 *       whose quantity was altered. It needs every reported hour's cycle file; once retention has
 *       removed some, it is skipped and says so.</li>
 * </ol>
 * {@code --customer} checks one buyer's usage only. Exit code 1 on any difference. A difference that
 * disappears on a re-run was a record in flight.
 */
@Command(name = "verify", description = "Recompute every hour from the journal and compare with the ledger; exit 1 on any difference.")
final class VerifyCommand implements Callable<Integer> {
  static final int DIFFERENCE = 1;

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
      List<JournalInspection.HourCheck> checks = inspection.verify(customers.buyers());
      List<JournalInspection.ReportView> reports = inspection.reports().stream()
          .filter(v -> customers.accepts(v.report().buyer())).toList();
      List<Map<String, Object>> differences = new ArrayList<>();
      int comparedHours = 0;
      for (JournalInspection.HourCheck check : checks) {
        if (check.frozen() && check.ledgerUnits() != null) {
          comparedHours++;
        }
        if (!check.matches()) {
          differences.add(difference("hour", Hours.format(check.epochHour()), saas, check.buyer(),
              check.dimension(), check.journalUnits(), check.ledgerUnits(),
              "the ledger accounted another sum for this hour"));
        }
      }
      String totals = checkTotals(summary, saas, checks, reports, differences);
      print(differences, comparedHours, totals, saas);
      return differences.isEmpty() ? 0 : DIFFERENCE;
    }
  }

  /**
   * Adds per-dimension (per buyer and dimension in SaaS) differences; returns what was checked, or why
   * not. Keys are {@link HourKey}s of the last frozen hour: "through" it.
   */
  private String checkTotals(JournalInspection.Summary summary, boolean saas,
      List<JournalInspection.HourCheck> checks, List<JournalInspection.ReportView> reports,
      List<Map<String, Object>> differences) {
    if ("AGENTCORE".equals(summary.mode())) {
      return "per-dimension totals: skipped (AgentCore mode reports journal ranges, not hours)";
    }
    if (summary.frozenThrough() == null) {
      return "per-dimension totals: nothing frozen yet";
    }
    long frozenThrough = summary.frozenThrough();
    Long firstOnDisk = summary.journalHours().isEmpty() ? null : summary.journalHours().first();
    Map<HourKey, BigInteger> journal = new TreeMap<>();
    for (JournalInspection.HourCheck check : checks) {
      if (check.epochHour() <= frozenThrough) {
        journal.merge(new HourKey(frozenThrough, check.buyer(), check.dimension()), check.journalUnits(),
            BigInteger::add);
      }
    }
    Map<HourKey, BigInteger> ledger = new TreeMap<>();
    summary.carryPool().forEach((key, units) -> {
      if (customers.accepts(key.buyer())) {
        ledger.merge(new HourKey(frozenThrough, key.buyer() == null ? null : key.buyer().key(), key.dimension()),
            units, BigInteger::add);
      }
    });
    for (JournalInspection.ReportView view : reports) {
      UsageReport r = view.report();
      if (firstOnDisk == null || r.epochHour() < firstOnDisk) {
        return "per-dimension totals: skipped (retention removed the cycle files of some reported hours)";
      }
      if (r.state() != ReportState.CARRIED) {
        ledger.merge(new HourKey(frozenThrough, r.buyer() == null ? null : r.buyer().key(), r.dimension()),
            BigInteger.valueOf(r.quantity()), BigInteger::add);
      }
    }
    TreeSet<HourKey> keys = new TreeSet<>(journal.keySet());
    keys.addAll(ledger.keySet());
    for (HourKey key : keys) {
      BigInteger inJournal = journal.getOrDefault(key, BigInteger.ZERO);
      BigInteger inLedger = ledger.getOrDefault(key, BigInteger.ZERO);
      if (!inJournal.equals(inLedger)) {
        differences.add(difference("dimension", "through " + Hours.format(frozenThrough), saas, key.buyer(),
            key.dimension(), inJournal, inLedger,
            "journal units of frozen hours differ from report quantities plus carry pool"));
      }
    }
    return saas
        ? "per-customer totals: " + keys.size() + " customer-dimension(s) through " + Hours.format(frozenThrough)
        : "per-dimension totals: " + keys.size() + " dimension(s) through " + Hours.format(frozenThrough);
  }

  private static Map<String, Object> difference(String check, String hour, boolean saas, String buyer,
      String dimension, BigInteger journal, BigInteger ledger, String what) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("check", check);
    d.put("hour", hour);
    if (saas) {
      BuyerColumns.putKey(d, buyer);
    }
    d.put("dimension", dimension);
    d.put("journalUnits", journal);
    d.put("ledgerUnits", ledger);
    d.put("problem", what);
    return d;
  }

  private void print(List<Map<String, Object>> differences, int comparedHours, String totals, boolean saas) {
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ok", differences.isEmpty());
      result.put("comparedHourDimensions", comparedHours);
      result.put("totals", totals);
      result.put("differences", differences);
      out.println(Json.write(result));
      return;
    }
    if (differences.isEmpty()) {
      out.println("verify: OK. " + comparedHours + " frozen hour-" + (saas ? "customer-" : "") + "dimension(s) match the "
          + "ledger; " + totals + ".");
      return;
    }
    RowTable table = new RowTable(saas).column("check", "check").column("hour (UTC)", "hour")
        .column("dimension", "dimension").column("journal", "journalUnits").column("ledger", "ledgerUnits")
        .column("problem", "problem").addAll(differences);
    out.print(table);
    out.println("verify: " + differences.size() + " difference(s). Keep the directory as it is and report this output.");
  }
}
