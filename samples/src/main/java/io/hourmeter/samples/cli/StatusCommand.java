package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.Json;
import io.hourmeter.samples.support.Table;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hourmeter status}: the figures of {@code meter.status()} that the directory holds. */
@Command(name = "status", description = "Show pending units, the oldest unsent hour and its time left, totals.")
final class StatusCommand implements Callable<Integer> {

  @Mixin
  private JournalOptions options;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    try (JournalInspection inspection = JournalAccess.inspect(options)) {
      Map<String, Object> status = DirectoryStatus.of(inspection, InstantSource.system());
      PrintWriter out = spec.commandLine().getOut();
      if (options.json) {
        out.println(Json.write(status));
      } else {
        out.print(text(status));
      }
      return 0;
    }
  }

  private static String text(Map<String, Object> status) {
    StringBuilder out = new StringBuilder();
    int width = status.keySet().stream().mapToInt(String::length).max().orElse(0);
    status.forEach((name, value) -> {
      if (!name.equals("pendingUnitsByHour")) {
        out.append(name).append(" ".repeat(width - name.length() + 2)).append(value == null ? "-" : value)
            .append('\n');
      }
    });
    out.append('\n');
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Long>> pending = (Map<String, Map<String, Long>>) status.get("pendingUnitsByHour");
    if (pending.isEmpty()) {
      out.append("No pending units: every closed hour is accepted, carried or dead-lettered.\n");
    } else {
      Table table = new Table("pending hour (UTC)", "dimension", "units");
      pending.forEach((hour, units) -> units.forEach((dimension, n) -> table.row(hour, dimension, n)));
      out.append(table);
    }
    return out.toString();
  }
}
