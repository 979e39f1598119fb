package io.hourmeter.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.ReportState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the real demo (local endpoint, a child metering JVM, the real AWS SDK client over loopback) in a
 * short mode: two simulated hours of a few seconds each.
 */
class DemoTest {

  private record Run(int exitCode, String output, Demo demo) { }

  private static Run demo(Path workDir, String... extra) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo demo = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String[] base = {"--hours=2", "--threads=2", "--plain", "--work-dir=" + workDir};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    int code = new CommandLine(demo).execute(args);
    return new Run(code, bytes.toString(StandardCharsets.UTF_8), demo);
  }

  @Test
  void theDemoReconcilesEveryDimensionHourExactly(@TempDir Path dir) {
    Run run = demo(dir, "--seconds-per-hour=2");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("RECONCILED").doesNotContain("NOT RECONCILED");
    assertBooksBalance(run);
  }

  @Test
  void theDemoReconcilesExactlyAfterItsMeteringProcessIsKilledAndRestarted(@TempDir Path dir) {
    // Slower hours, so that the kill lands while the first metering process records, even on a busy machine.
    Run run = demo(dir, "--seconds-per-hour=4", "--crash-restart", "--seed=42");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.demo().restarts()).isEqualTo(1);
    assertThat(run.output()).contains("killed the metering process").contains("RECONCILED");
    assertBooksBalance(run);
  }

  /** Checks the account itself, not only the demo's verdict: every unit recorded is accepted once. */
  private static void assertBooksBalance(Run run) {
    Reconciliation account = run.demo().lastReconciliation();
    assertThat(account).isNotNull();
    assertThat(account.problems()).isEmpty();
    Map<String, long[]> totals = new TreeMap<>();
    for (Reconciliation.Row row : account.rows()) {
      for (String state : row.state().split(",")) {
        assertThat(state).as(row.toString()).isIn(ReportState.ACCEPTED.name(), ReportState.CARRIED.name(), "");
      }
      assertThat(row.accepted() == null ? 0L : row.accepted()).as(row.toString()).isEqualTo(row.reported());
      long[] sum = totals.computeIfAbsent(row.dimension(), d -> new long[2]);
      sum[0] += row.recorded();
      sum[1] += row.accepted() == null ? 0 : row.accepted();
    }
    assertThat(totals).containsOnlyKeys(DemoProduct.LOCAL_DIMENSIONS);
    totals.forEach((dimension, sum) -> {
      assertThat(sum[0]).as(dimension + " recorded").isPositive();
      assertThat(sum[1]).as(dimension + " accepted").isEqualTo(sum[0]);
    });
  }
}
