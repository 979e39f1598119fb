package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.Json;
import io.hourmeter.samples.support.Table;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hourmeter verify}: recomputes every hour from the journal and compares it with the ledger, in
 * two ways.
 * <ol>
 *   <li><b>Per hour:</b> for every frozen hour and dimension, the units the journal holds against the
 *       units the drainer accounted for it ({@link JournalInspection#verify()}).</li>
 *   <li><b>Per dimension (hourly mode):</b> every unit journaled in a frozen hour must be in exactly one
 *       report that was not carried on (accepted, waiting or dead-lettered) or in the carry pool:
 *       {@code journal units of frozen hours = report quantities + carry pool}. This catches a report
 *       whose quantity was altered. It needs every reported hour's cycle file; once retention has
 *       removed some, it is skipped and says so.</li>
 * </ol>
 * Exit code 1 on any difference. A difference that disappears on a re-run was a record in flight.
 */
@Command(name = "verify", description = "Recompute every hour from the journal and compare with the ledger; exit 1 on any difference.")
final class VerifyCommand implements Callable<Integer> {
  static final int DIFFERENCE = 1;

  @Mixin
  private JournalOptions options;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    try (JournalInspection inspection = JournalAccess.inspect(options.directory)) {
      JournalInspection.Summary summary = inspection.summary();
      List<JournalInspection.HourCheck> checks = inspection.verify();
      List<Map<String, Object>> differences = new ArrayList<>();
      int comparedHours = 0;
      for (JournalInspection.HourCheck check : checks) {
        if (check.frozen() && check.ledgerUnits() != null) {
          comparedHours++;
        }
        if (!check.matches()) {
          differences.add(difference("hour", Hours.format(check.epochHour()), check.dimension(),
              check.journalUnits(), check.ledgerUnits(), "the ledger accounted another sum for this hour"));
        }
      }
      String totals = checkTotals(summary, checks, inspection.reports(), differences);
      print(differences, comparedHours, totals);
      return differences.isEmpty() ? 0 : DIFFERENCE;
    }
  }

  /** Adds per-dimension differences; returns what was checked, or why not. */
  private static String checkTotals(JournalInspection.Summary summary, List<JournalInspection.HourCheck> checks,
      List<JournalInspection.ReportView> reports, List<Map<String, Object>> differences) {
    if ("AGENTCORE".equals(summary.mode())) {
      return "per-dimension totals: skipped (AgentCore mode reports journal ranges, not hours)";
    }
    if (summary.frozenThrough() == null) {
      return "per-dimension totals: nothing frozen yet";
    }
    long frozenThrough = summary.frozenThrough();
    Long firstOnDisk = summary.journalHours().isEmpty() ? null : summary.journalHours().first();
    Map<String, BigInteger> journal = new TreeMap<>();
    for (JournalInspection.HourCheck check : checks) {
      if (check.epochHour() <= frozenThrough) {
        journal.merge(check.dimension(), check.journalUnits(), BigInteger::add);
      }
    }
    Map<String, BigInteger> ledger = new TreeMap<>(summary.carryPool());
    for (JournalInspection.ReportView view : reports) {
      UsageReport r = view.report();
      if (firstOnDisk == null || r.epochHour() < firstOnDisk) {
        return "per-dimension totals: skipped (retention removed the cycle files of some reported hours)";
      }
      if (r.state() != ReportState.CARRIED) {
        ledger.merge(r.dimension(), BigInteger.valueOf(r.quantity()), BigInteger::add);
      }
    }
    TreeMap<String, Boolean> dimensions = new TreeMap<>();
    journal.keySet().forEach(d -> dimensions.put(d, true));
    ledger.keySet().forEach(d -> dimensions.put(d, true));
    for (String dimension : dimensions.keySet()) {
      BigInteger inJournal = journal.getOrDefault(dimension, BigInteger.ZERO);
      BigInteger inLedger = ledger.getOrDefault(dimension, BigInteger.ZERO);
      if (!inJournal.equals(inLedger)) {
        differences.add(difference("dimension", "through " + Hours.format(frozenThrough), dimension, inJournal,
            inLedger, "journal units of frozen hours differ from report quantities plus carry pool"));
      }
    }
    return "per-dimension totals: " + dimensions.size() + " dimension(s) through " + Hours.format(frozenThrough);
  }

  private static Map<String, Object> difference(String check, String hour, String dimension, BigInteger journal,
      BigInteger ledger, String what) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("check", check);
    d.put("hour", hour);
    d.put("dimension", dimension);
    d.put("journalUnits", journal);
    d.put("ledgerUnits", ledger);
    d.put("problem", what);
    return d;
  }

  private void print(List<Map<String, Object>> differences, int comparedHours, String totals) {
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
      out.println("verify: OK. " + comparedHours + " frozen hour-dimension(s) match the ledger; " + totals + ".");
      return;
    }
    Table table = new Table("check", "hour (UTC)", "dimension", "journal", "ledger", "problem");
    differences.forEach(d -> table.row(d.get("check"), d.get("hour"), d.get("dimension"), d.get("journalUnits"),
        d.get("ledgerUnits"), d.get("problem")));
    out.print(table);
    out.println("verify: " + differences.size() + " difference(s). Keep the directory as it is and report this output.");
  }
}
