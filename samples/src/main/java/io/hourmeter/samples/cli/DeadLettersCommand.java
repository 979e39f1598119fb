package io.hourmeter.samples.cli;

import io.hourmeter.internal.drain.RequeueRequests;
import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.Json;
import io.hourmeter.spi.UsageReport;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hourmeter dead-letters}: lists dead-lettered reports with their reasons, and with
 * {@code --requeue --yes} asks the drainer to bill them again. Before it writes anything it says what
 * each re-queue will do ({@code JournalInspection.requeuePlan}): resent unchanged in its own hour,
 * resent still outcome-unknown, carried into the next unfrozen hour (its hour already has a report,
 * or its window passed), or refused (outcome unknown and its window closed, without
 * {@code --not-billed}); if any is refused it writes nothing. Re-queueing writes request files only;
 * the drainer (running now, or at its next start) acts on them.
 *
 * <p>In a SaaS directory each letter shows its buyer, and {@code --customer} lists (and re-queues) one
 * buyer's letters only: after a buyer that was CustomerNotSubscribed has subscribed, for instance.
 */
@Command(name = "dead-letters", description = "List dead-lettered reports; --requeue --yes sends them again.")
final class DeadLettersCommand implements Callable<Integer> {

  @Mixin
  private JournalOptions options;

  @Mixin
  private CustomerFilter customers;

  @Option(names = "--requeue", description = "Re-queue the dead letters (all, or those named with --id).")
  private boolean requeue;

  @Option(names = "--id", paramLabel = "REPORT_ID", description = "With --requeue: only this report (repeatable).")
  private List<Long> ids = new ArrayList<>();

  @Option(names = "--yes", description = "Confirm --requeue: you assert AWS did not bill these reports.")
  private boolean yes;

  @Option(names = "--not-billed", description = "With --requeue: you checked AWS's records and AWS did not "
      + "bill these outcome-unknown reports; once their window has closed they are carried into a later hour.")
  private boolean notBilled;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    if ((!ids.isEmpty() || notBilled) && !requeue) {
      throw new CliFailure((notBilled ? "--not-billed" : "--id") + " goes with --requeue");
    }
    if (requeue && !yes) {
      throw new CliFailure("--requeue changes what is billed: add --yes to confirm that AWS did not bill "
          + "these reports");
    }
    try (JournalInspection inspection = JournalAccess.inspect(options)) {
      boolean saas = inspection.saas();
      customers.requireSaas(saas, inspection.summary().mode());
      List<JournalInspection.ReportView> letters = inspection.deadLetters().stream()
          .filter(v -> customers.accepts(v.report().buyer())).toList();
      if (!requeue) {
        list(letters, saas);
        return 0;
      }
      return requeue(inspection, letters);
    }
  }

  private int requeue(JournalInspection inspection, List<JournalInspection.ReportView> letters) {
    List<Long> chosen = new ArrayList<>(ids);
    if (chosen.isEmpty()) {
      letters.forEach(v -> chosen.add(v.report().id()));
    } else if (customers.isSet()) {
      for (long id : chosen) {
        if (letters.stream().noneMatch(v -> v.report().id() == id)) {
          throw new CliFailure("report " + id + " is not a dead letter of customer " + customers.customer);
        }
      }
    }
    List<RequeueRequests.Placement> plan = inspection.requeuePlan(chosen, notBilled, InstantSource.system().instant());
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean refused = false;
    for (RequeueRequests.Placement placement : plan) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("reportId", placement.reportId());
      r.put("action", placement.action().name());
      r.put("why", placement.why());
      rows.add(r);
      refused |= placement.action() == RequeueRequests.Action.REFUSE;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!options.json) {
      rows.forEach(r -> out.println("report " + r.get("reportId") + ": " + describe(r.get("action")) + ": "
          + r.get("why")));
    }
    if (refused) {
      if (options.json) {
        out.println(Json.write(Map.of("refused", rows)));
      }
      throw new CliFailure("nothing re-queued: a re-queue above is refused");
    }
    for (Map<String, Object> r : rows) {
      long id = (Long) r.get("reportId");
      try {
        r.put("request", inspection.requestRequeue(id, notBilled).toString());
      } catch (IllegalArgumentException e) {
        throw new CliFailure(e.getMessage());
      }
    }
    if (options.json) {
      out.println(Json.write(Map.of("requeued", rows)));
    } else {
      rows.forEach(r -> out.println("re-queue requested for report " + r.get("reportId") + " (" + r.get("request") + ")"));
      out.println(rows.isEmpty() ? "no dead letters to re-queue"
          : "the drainer re-queues them within seconds while the application runs, else at its next start; "
              + "it decides with the application's own deadline margins");
    }
    return 0;
  }

  private static String describe(Object action) {
    return switch (RequeueRequests.Action.valueOf((String) action)) {
      case RESEND -> "will be resent unchanged";
      case RESEND_OUTCOME_UNKNOWN -> "will be resent identically, still outcome-unknown";
      case CARRY -> "will be carried into the next unfrozen hour";
      case REFUSE -> "refused";
    };
  }

  private void list(List<JournalInspection.ReportView> letters, boolean saas) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JournalInspection.ReportView view : letters) {
      UsageReport r = view.report();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("reportId", r.id());
      row.put("hour", Hours.format(r.epochHour()));
      if (saas) {
        BuyerColumns.put(row, r.buyer());
      }
      row.put("dimension", r.dimension());
      row.put("quantity", r.quantity());
      row.put("reason", r.reason());
      row.put("deadLetteredAt", r.updatedAt().toString());
      row.put("windowEnd", view.windowEnd().toString());
      rows.add(row);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(Json.write(rows));
      return;
    }
    RowTable table = new RowTable(saas).column("report id", "reportId").column("hour (UTC)", "hour")
        .column("dimension", "dimension").column("quantity", "quantity").column("reason", "reason")
        .column("dead-lettered at", "deadLetteredAt").addAll(rows);
    out.print(table);
    out.println(rows.size() + " dead letter(s)" + (rows.isEmpty() ? "" : "; re-queue with --requeue --yes"));
  }
}
