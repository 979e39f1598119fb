package io.hourmeter.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
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

  private static final DemoBuyers SAAS = DemoBuyers.generate(8); // buyer 6 is not subscribed
  private static final Buyer PAYING = SAAS.buyers().get(0);
  private static final Buyer REFUSED = SAAS.buyers().get(6);

  private static UsageReport saasReport(long id, Buyer buyer, long hour, long quantity, ReportState state) {
    Instant at = Instant.ofEpochMilli(hour * 3_600_000L);
    return new UsageReport(id, "p", "users", hour, at, quantity, List.of(), null, -1, -1, state, 1, false,
        state == ReportState.ACCEPTED ? "rec-" + id : null,
        state == ReportState.DEAD_LETTERED ? "CustomerNotSubscribed: no agreement" : null, at, 0, buyer);
  }

  /** Books of the two buyers: PAYING's 10 units accepted, REFUSED's 4 dead-lettered and 6 waiting. */
  private static Reconciliation saasBooks(List<UsageReport> reports, Map<UsageKey, Map<Long, Long>> endpoint) {
    UsageKey paying = new UsageKey(PAYING, "users");
    UsageKey refused = new UsageKey(REFUSED, "users");
    return Reconciliation.ofBuyers(
        Map.of(paying, Map.of(H, 10L), refused, Map.of(H, 4L, H + 1, 6L)), reports, endpoint,
        Map.of(paying, new Reconciliation.AppCount(10, 10), refused, new Reconciliation.AppCount(10, 10)),
        new DemoBuyers(List.of(PAYING, REFUSED), java.util.Set.of(REFUSED)));
  }

  @Test
  void aRefusedCustomersWaitingReportsArePendingAndItsBooksBalanceWithoutBilling() {
    assertThat(SAAS.notSubscribed()).containsExactly(REFUSED);
    Reconciliation account = saasBooks(
        List.of(saasReport(1, PAYING, H, 10, ReportState.ACCEPTED), saasReport(2, REFUSED, H, 4, ReportState.DEAD_LETTERED),
            saasReport(3, REFUSED, H + 1, 6, ReportState.FROZEN)),
        Map.of(new UsageKey(PAYING, "users"), Map.of(H, 10L)));

    assertThat(account.problems()).isEmpty();
    assertThat(account.customers()).extracting(Reconciliation.CustomerTotals::buyer).containsExactly(PAYING, REFUSED);
    Reconciliation.CustomerTotals refused = account.customers().get(1);
    assertThat(refused.accepted()).isZero();
    assertThat(refused.deadLettered()).isEqualTo(4);
    assertThat(refused.pending()).isEqualTo(6);
    assertThat(account.customerTable()).contains("not billed: CustomerNotSubscribed, quarantined");
    assertThat(account.verdict()).contains("4 units dead-lettered as CustomerNotSubscribed, 6 waiting in quarantine");
  }

  @Test
  void aCustomerBilledWithoutASubscriptionIsAMismatch() {
    Reconciliation account = saasBooks(
        List.of(saasReport(1, PAYING, H, 10, ReportState.ACCEPTED), saasReport(2, REFUSED, H, 4, ReportState.DEAD_LETTERED),
            saasReport(3, REFUSED, H + 1, 6, ReportState.ACCEPTED)),
        Map.of(new UsageKey(PAYING, "users"), Map.of(H, 10L), new UsageKey(REFUSED, "users"), Map.of(H + 1, 6L)));

    assertThat(account.problems()).anyMatch(p -> p.contains("not subscribed, but 6 units were accepted"));
  }

  @Test
  void aSubscribedCustomersUnsentReportIsNotPending() {
    Reconciliation account = saasBooks(
        List.of(saasReport(1, PAYING, H, 10, ReportState.FROZEN), saasReport(2, REFUSED, H, 4, ReportState.DEAD_LETTERED),
            saasReport(3, REFUSED, H + 1, 6, ReportState.FROZEN)),
        Map.of());

    assertThat(account.problems()).anyMatch(p -> p.contains("report 1 is still FROZEN"))
        .noneMatch(p -> p.contains("report 3"));
  }

  @Test
  void anUnsubscribedCustomerThatAwsNeverRefusedIsAMismatch() {
    Reconciliation account = saasBooks(
        List.of(saasReport(1, PAYING, H, 10, ReportState.ACCEPTED), saasReport(2, REFUSED, H, 4, ReportState.FROZEN),
            saasReport(3, REFUSED, H + 1, 6, ReportState.FROZEN)),
        Map.of(new UsageKey(PAYING, "users"), Map.of(H, 10L)));

    assertThat(account.problems()).anyMatch(p -> p.contains("report 2 is still FROZEN"))
        .anyMatch(p -> p.contains("none of its reports was refused as CustomerNotSubscribed"));
  }

  @Test
  void anEndpointRecordTheLedgerDoesNotKnowIsAMismatch() {
    Reconciliation account = saasBooks(
        List.of(saasReport(1, PAYING, H, 10, ReportState.ACCEPTED), saasReport(2, REFUSED, H, 4, ReportState.DEAD_LETTERED),
            saasReport(3, REFUSED, H + 1, 6, ReportState.FROZEN)),
        Map.of(new UsageKey(PAYING, "users"), Map.of(H, 10L, H + 2, 3L)));

    assertThat(account.problems()).anyMatch(p -> p.contains("the ledger says 0 accepted but the endpoint holds 3"));
  }

  @Test
  void emptyBooksAreNotAReconciliation() {
    Reconciliation account = new Reconciliation(Map.of(), List.of(), Map.of(),
        Map.of("users", new Reconciliation.AppCount(0, 0)));

    assertThat(account.matches()).isFalse();
    assertThat(account.problems()).anyMatch(p -> p.contains("nothing was recorded"));
  }
}
