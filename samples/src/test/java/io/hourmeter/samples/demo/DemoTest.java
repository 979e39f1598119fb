package io.hourmeter.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.spi.ReportState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
  /** Enough customers for every form, subscribed and not, in a run of a few seconds. */
  private static final int SAAS_BUYERS = 80;

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

  @Test
  void theSaasDemoBillsEverySubscribedCustomerExactlyAndNoneOfTheUnsubscribed(@TempDir Path dir) {
    Run run = demo(dir, "--saas", "--buyers=" + SAAS_BUYERS, "--seconds-per-hour=2");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertSaasTables(run);
    assertCustomersBalance(run, false);
  }

  @Test
  void theSaasDemoBalancesPerCustomerAfterItsMeteringProcessIsKilledAndRestarted(@TempDir Path dir) {
    Run run = demo(dir, "--saas", "--buyers=" + SAAS_BUYERS, "--seconds-per-hour=4", "--crash-restart", "--seed=7");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.demo().restarts()).isEqualTo(1);
    assertThat(run.output()).contains("killed the metering process");
    assertSaasTables(run);
    assertCustomersBalance(run, true);
  }

  /** The printed account: the hour table, one row per customer, the status line's buyers, the verdict. */
  private static void assertSaasTables(Run run) {
    DemoBuyers buyers = DemoBuyers.generate(SAAS_BUYERS);
    assertThat(run.output())
        .contains("Reconciliation per dimension and hour, all " + SAAS_BUYERS + " customers summed")
        .contains("Reconciliation per customer")
        .containsPattern("buyers \\d+ pending, [1-9]\\d* quarantined")
        .contains("RECONCILED: every unit recorded for the " + (SAAS_BUYERS - buyers.notSubscribed().size())
            + " subscribed customers was accepted exactly once")
        .doesNotContain("NOT RECONCILED");
    List<String> customerRows = run.output().lines()
        .filter(l -> l.contains("  billed") || l.contains("not billed: CustomerNotSubscribed")).toList();
    assertThat(customerRows).hasSize(SAAS_BUYERS);
    assertThat(customerRows).filteredOn(l -> l.contains("not billed: CustomerNotSubscribed"))
        .hasSize(buyers.notSubscribed().size());
    for (Buyer buyer : buyers.buyers()) {
      assertThat(customerRows).as(buyer.key()).anyMatch(l -> l.startsWith(DemoBuyers.label(buyer) + " "));
    }
  }

  /**
   * Checks the account per customer, not only the demo's verdict: a subscribed customer's every recorded
   * unit is accepted once (by the endpoint, as the ledger says); one that is not subscribed is billed
   * nothing and its every unit is dead-lettered as CustomerNotSubscribed or waits in quarantine; and the
   * journal holds what the application saw (exactly, unless the process was killed).
   */
  private static void assertCustomersBalance(Run run, boolean killed) {
    Reconciliation account = run.demo().lastReconciliation();
    assertThat(account).isNotNull();
    assertThat(account.problems()).isEmpty();
    DemoBuyers buyers = DemoBuyers.generate(SAAS_BUYERS);
    assertThat(account.customers()).extracting(Reconciliation.CustomerTotals::buyer)
        .containsExactlyElementsOf(buyers.buyers());
    assertThat(buyers.buyers()).extracting(DemoBuyers::form)
        .contains("account+LicenseArn", "account", "CustomerIdentifier");
    assertThat(buyers.notSubscribed()).extracting(DemoBuyers::form)
        .contains("account+LicenseArn", "account", "CustomerIdentifier");
    for (Reconciliation.CustomerTotals customer : account.customers()) {
      String who = customer.buyer().key();
      assertThat(customer.recorded()).as(who + " recorded").isPositive();
      assertThat(customer.recorded()).as(who + " against the application's count")
          .isBetween(customer.app().acknowledged(), customer.app().attempted());
      if (!killed) {
        assertThat(customer.app().acknowledged()).as(who).isEqualTo(customer.app().attempted());
      }
      if (buyers.notSubscribed().contains(customer.buyer())) {
        assertThat(customer.accepted()).as(who + " billed").isZero();
        assertThat(customer.deadLettered()).as(who + " refused").isPositive();
        assertThat(customer.deadLettered() + customer.pending()).as(who).isEqualTo(customer.recorded());
      } else {
        assertThat(customer.accepted()).as(who + " billed").isEqualTo(customer.recorded());
        assertThat(customer.deadLettered() + customer.pending()).as(who).isZero();
      }
    }
    for (Reconciliation.Row row : account.rows()) {
      assertThat(row.accepted() == null ? 0L : row.accepted()).as(row.toString())
          .isEqualTo(row.reported() - row.deadLettered() - row.pending());
    }
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
