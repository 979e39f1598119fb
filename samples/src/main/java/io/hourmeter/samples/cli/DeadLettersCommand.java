package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.Json;
import io.hourmeter.samples.support.Table;
import io.hourmeter.spi.UsageReport;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * {@code --requeue --yes} asks the drainer to send them again. Re-queueing writes a request file only;
 * the drainer (running now, or at its next start) moves the report back to FROZEN, byte-identical.
 */
@Command(name = "dead-letters", description = "List dead-lettered reports; --requeue --yes sends them again.")
final class DeadLettersCommand implements Callable<Integer> {

  @Mixin
  private JournalOptions options;

  @Option(names = "--requeue", description = "Re-queue the dead letters (all, or those named with --id).")
  private boolean requeue;

  @Option(names = "--id", paramLabel = "REPORT_ID", description = "With --requeue: only this report (repeatable).")
  private List<Long> ids = new ArrayList<>();

  @Option(names = "--yes", description = "Confirm --requeue: you assert AWS did not bill these reports.")
  private boolean yes;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    if (!ids.isEmpty() && !requeue) {
      throw new CliFailure("--id goes with --requeue");
    }
    if (requeue && !yes) {
      throw new CliFailure("--requeue changes what is billed: add --yes to confirm that AWS did not bill "
          + "these reports");
    }
    try (JournalInspection inspection = JournalAccess.inspect(options.directory)) {
      List<JournalInspection.ReportView> letters = inspection.deadLetters();
      if (!requeue) {
        list(letters);
        return 0;
      }
      return requeue(inspection, letters);
    }
  }

  private int requeue(JournalInspection inspection, List<JournalInspection.ReportView> letters) {
    List<Long> chosen = new ArrayList<>(ids);
    if (chosen.isEmpty()) {
      letters.forEach(v -> chosen.add(v.report().id()));
    }
    List<Map<String, Object>> requested = new ArrayList<>();
    for (long id : chosen) {
      Path request;
      try {
        request = inspection.requestRequeue(id);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(e.getMessage());
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("reportId", id);
      r.put("request", request.toString());
      requested.add(r);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (options.json) {
      out.println(Json.write(Map.of("requeued", requested)));
    } else {
      requested.forEach(r -> out.println("re-queue requested for report " + r.get("reportId") + " (" + r.get("request") + ")"));
      out.println(requested.isEmpty() ? "no dead letters to re-queue"
          : "the drainer re-queues them within seconds while the application runs, else at its next start");
    }
    return 0;
  }

  private void list(List<JournalInspection.ReportView> letters) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JournalInspection.ReportView view : letters) {
      UsageReport r = view.report();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("reportId", r.id());
      row.put("hour", Hours.format(r.epochHour()));
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
    Table table = new Table("report id", "hour (UTC)", "dimension", "quantity", "reason", "dead-lettered at");
    rows.forEach(r -> table.row(r.get("reportId"), r.get("hour"), r.get("dimension"), r.get("quantity"),
        r.get("reason"), r.get("deadLetteredAt")));
    out.print(table);
    out.println(rows.size() + " dead letter(s)" + (rows.isEmpty() ? "" : "; re-queue with --requeue --yes"));
  }
}
