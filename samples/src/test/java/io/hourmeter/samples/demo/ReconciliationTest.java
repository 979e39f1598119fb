package io.hourmeter.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
  private static final long H = 493_000;

  private static UsageReport report(long id, String dimension, long hour, long quantity, ReportState state) {
    Instant at = Instant.ofEpochMilli(hour * 3_600_000L);
    return new UsageReport(id, "p", dimension, hour, at, quantity, List.of(), null, -1, -1, state, 1, false,
        state == ReportState.ACCEPTED ? "rec-" + id : null, state == ReportState.CARRIED ? "late" : null, at);
  }

  @Test
  void matchingBooksWithACarryReconcile() {
    // 10 recorded in hour H, 5 of them late and carried into H+1's report (which also has 20 of its own).
    Reconciliation account = new Reconciliation(
        Map.of("users", Map.of(H, 10L, H + 1, 20L)),
        List.of(report(1, "users", H, 5, ReportState.ACCEPTED), report(2, "users", H + 1, 25, ReportState.ACCEPTED)),
        Map.of("users", Map.of(H, 5L, H + 1, 25L)),
        Map.of("users", new Reconciliation.AppCount(30, 30)));

    assertThat(account.problems()).isEmpty();
    assertThat(account.rows()).extracting(Reconciliation.Row::carried).containsExactly(-5L, 5L);
  }

  @Test
  void aUnitLostBetweenJournalAndAwsIsAMismatch() {
    Reconciliation account = new Reconciliation(
        Map.of("users", Map.of(H, 10L)),
        List.of(report(1, "users", H, 9, ReportState.ACCEPTED)),
        Map.of("users", Map.of(H, 9L)),
        Map.of("users", new Reconciliation.AppCount(10, 10)));

    assertThat(account.matches()).isFalse();
    assertThat(account.problems()).anyMatch(p -> p.contains("10 units recorded but 9"));
  }

  @Test
  void theEndpointHoldingAnotherQuantityThanTheLedgerIsAMismatch() {
    Reconciliation account = new Reconciliation(
        Map.of("users", Map.of(H, 10L)),
        List.of(report(1, "users", H, 10, ReportState.ACCEPTED)),
        Map.of("users", Map.of(H, 12L)),
        Map.of("users", new Reconciliation.AppCount(10, 10)));

    assertThat(account.problems()).anyMatch(p -> p.contains("endpoint holds 12"));
  }

  @Test
  void aReportStillInFlightIsNotReconciled() {
    Reconciliation account = new Reconciliation(
        Map.of("users", Map.of(H, 10L)),
        List.of(report(1, "users", H, 10, ReportState.FROZEN)),
        Map.of(),
        Map.of("users", new Reconciliation.AppCount(10, 10)));

    assertThat(account.problems()).anyMatch(p -> p.contains("still FROZEN"));
  }

  @Test
  void theJournalMustHoldEveryAcknowledgedUnit() {
    Reconciliation lostAcknowledged = new Reconciliation(
        Map.of("users", Map.of(H, 8L)),
        List.of(report(1, "users", H, 8, ReportState.ACCEPTED)),
        Map.of("users", Map.of(H, 8L)),
        Map.of("users", new Reconciliation.AppCount(9, 12)));
    Reconciliation inFlightAtKill = new Reconciliation(
        Map.of("users", Map.of(H, 10L)),
        List.of(report(1, "users", H, 10, ReportState.ACCEPTED)),
        Map.of("users", Map.of(H, 10L)),
        Map.of("users", new Reconciliation.AppCount(9, 12)));

    assertThat(lostAcknowledged.problems()).anyMatch(p -> p.contains("9 acknowledged"));
    assertThat(inFlightAtKill.matches()).isTrue();
  }

  @Test
  void emptyBooksAreNotAReconciliation() {
    Reconciliation account = new Reconciliation(Map.of(), List.of(), Map.of(),
        Map.of("users", new Reconciliation.AppCount(0, 0)));

    assertThat(account.matches()).isFalse();
    assertThat(account.problems()).anyMatch(p -> p.contains("nothing was recorded"));
  }
}
