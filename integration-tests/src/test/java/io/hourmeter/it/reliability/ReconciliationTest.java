package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check itself must be able to fail: each kind of violation is caught, and a clean run passes. */
class ReconciliationTest {
  private static final Instant HOUR_10 = Instant.ofEpochSecond(10 * 3600);
  private static final Instant HOUR_11 = Instant.ofEpochSecond(11 * 3600);

  @TempDir
  Path dir;

  @Test
  void groundTruthCountsReturnedCallsAndLeavesACutCallInDoubt() throws Exception {
    try (RecordLog log = new RecordLog(dir.resolve("rec-0-0.log"))) {
      log.outcome(log.intent("users", 3), true);
      log.outcome(log.intent("users", 4), false);
      log.intent("users", 5); // killed before the outcome line
    }
    Files.writeString(dir.resolve("rec-0-1.log"), "I 1 users 7\n+ 1\nI 2 users 9"); // torn last line
    GroundTruth truth = GroundTruth.read(dir);
    assertThat(truth.recorded("users")).isEqualTo(10);
    assertThat(truth.refused("users")).isEqualTo(4);
    assertThat(truth.inDoubt("users")).isEqualTo(5);
    assertThat(truth.calls()).isEqualTo(3);
  }

  @Test
  void aBalancedHourlyRunReconciles() {
    Reconciliation r = hourly(Map.of("users", 10L), List.of(ours("users", HOUR_10, 7), ours("users", HOUR_11, 3)))
        .build();
    assertThat(r.violations()).isEmpty();
    assertThat(r.table()).contains("RECONCILED");
  }

  @Test
  void lostUnitsAreAViolation() {
    Reconciliation r = hourly(Map.of("users", 10L), List.of(ours("users", HOUR_10, 7))).build();
    assertThat(r.violations()).anyMatch(v -> v.contains("LOST 3"));
  }

  @Test
  void doubledUnitsBeyondTheInDoubtOnesAreAViolation() {
    GroundTruth truth = new GroundTruth(Map.of("users", 10L), Map.of(), Map.of("users", 2L), 5);
    Reconciliation ok = Reconciliation.builder("t", MeteringMode.HOURLY).truth(truth)
        .accepted(List.of(ours("users", HOUR_10, 12))).build();
    Reconciliation doubled = Reconciliation.builder("t", MeteringMode.HOURLY).truth(truth)
        .accepted(List.of(ours("users", HOUR_10, 13))).build();
    assertThat(ok.violations()).isEmpty();
    assertThat(doubled.violations()).anyMatch(v -> v.contains("DOUBLED 1"));
  }

  @Test
  void anHourSentWithTwoQuantitiesIsAViolation() {
    Reconciliation r = hourly(Map.of("users", 7L), List.of(ours("users", HOUR_10, 7)))
        .requests(List.of(request("users", HOUR_10, 7, null, "Accepted"),
            request("users", HOUR_10.plusSeconds(60), 8, null, "DuplicateRequestException")))
        .build();
    assertThat(r.violations()).anyMatch(v -> v.contains("different quantities"))
        .anyMatch(v -> v.contains("DuplicateRequest for an hour no one else metered"));
  }

  @Test
  void aTokenReusedWithOtherParametersIsAViolation() {
    Reconciliation r = Reconciliation.builder("t", MeteringMode.AGENTCORE)
        .truth(GroundTruth.of(Map.of("users", 5L), Map.of()))
        .accepted(List.of(new AcceptedRecord("r1", "users", HOUR_10, 5, "tok-1", false)))
        .requests(List.of(request("users", HOUR_10, 5, "tok-1", "Accepted"),
            request("users", HOUR_10, 6, "tok-1", "IdempotencyConflictException")))
        .build();
    assertThat(r.violations()).anyMatch(v -> v.contains("tok-1 was used with different parameters"))
        .anyMatch(v -> v.contains("IdempotencyConflict"));
  }

  @Test
  void deadLettersBalanceOnlyWithAnAllowedReason() {
    List<DeadLetter> letters = List.of(new DeadLetter("users", 10, 4, "DuplicateRequest: hour taken"));
    Reconciliation allowed = hourly(Map.of("users", 4L), List.of()).deadLetters(letters)
        .allowDeadLetters("DuplicateRequest").build();
    Reconciliation unexpected = hourly(Map.of("users", 4L), List.of()).deadLetters(letters).build();
    assertThat(allowed.violations()).isEmpty();
    assertThat(unexpected.violations()).anyMatch(v -> v.contains("unexpected dead letter"));
  }

  @Test
  void anOutcomeUnknownDeadLetterThatTheEndpointRecordedIsBilledOnceNotTwice() {
    DeadLetter unknown = new DeadLetter("users", 10, 7, "OUTCOME_UNKNOWN: outcome unknown at the end of its window", HOUR_10, "tok-7");
    Reconciliation billed = Reconciliation.builder("t", MeteringMode.AGENTCORE)
        .truth(GroundTruth.of(Map.of("users", 7L), Map.of()))
        .accepted(List.of(new AcceptedRecord("r1", "users", HOUR_10, 7, "tok-7", false)))
        .deadLetters(List.of(unknown)).allowDeadLetters("outcome unknown").build();
    Reconciliation notBilled = Reconciliation.builder("t", MeteringMode.AGENTCORE)
        .truth(GroundTruth.of(Map.of("users", 7L), Map.of()))
        .deadLetters(List.of(unknown)).allowDeadLetters("outcome unknown").build();
    Reconciliation billedUnderAnotherToken = Reconciliation.builder("t", MeteringMode.AGENTCORE)
        .truth(GroundTruth.of(Map.of("users", 7L), Map.of()))
        .accepted(List.of(new AcceptedRecord("r2", "users", HOUR_10, 7, "tok-8", false)))
        .deadLetters(List.of(unknown)).allowDeadLetters("outcome unknown").build();
    assertThat(billed.violations()).isEmpty();
    assertThat(billed.unknownButBilledUnits("users")).isEqualTo(7);
    assertThat(notBilled.violations()).isEmpty();
    assertThat(billedUnderAnotherToken.violations()).anyMatch(v -> v.contains("DOUBLED 7"));
  }

  @Test
  void refusedUnitsMustMatchWhatTheMeterCounted() {
    GroundTruth truth = GroundTruth.of(Map.of("users", 1L), Map.of("users", 9L));
    Reconciliation r = Reconciliation.builder("t", MeteringMode.HOURLY).truth(truth)
        .accepted(List.of(ours("users", HOUR_10, 1))).refusedCounted(8).build();
    assertThat(r.violations()).anyMatch(v -> v.contains("refused units"));
  }

  @Test
  void pendingUnitsAfterTheFinalDrainAreAViolation() {
    Reconciliation r = hourly(Map.of("users", 4L), List.of()).pending(Map.of("users", 4L)).build();
    assertThat(r.violations()).containsExactly("users: 4 units still pending after the final drain");
  }

  @Test
  void aBuyerBilledForAnotherBuyersUsageIsAViolation() {
    Reconciliation r = saas(Map.of("acct:1|users", 5L), List.of(ours("acct:2|users", HOUR_10, 5))).build();
    assertThat(r.violations()).anyMatch(v -> v.startsWith("acct:2|users: BILLED 5 units that no call recorded"))
        .anyMatch(v -> v.startsWith("acct:1|users: LOST 5"));
  }

  @Test
  void anUnsubscribedBuyerMustNeverBeBilledAndOnlyItMayBeDeadLetteredAsNotSubscribed() {
    Reconciliation r = saas(Map.of("acct:9|users", 4L, "acct:1|users", 3L), List.of(ours("acct:9|users", HOUR_10, 4)))
        .deadLetters(List.of(new DeadLetter("acct:1|users", 10, 3, "CustomerNotSubscribed: no agreement")))
        .allowDeadLetters(Reconciliation.NOT_SUBSCRIBED).unsubscribed(List.of("acct:9")).build();
    Reconciliation ok = saas(Map.of("acct:9|users", 4L, "acct:1|users", 3L), List.of(ours("acct:1|users", HOUR_10, 3)))
        .deadLetters(List.of(new DeadLetter("acct:9|users", 10, 4,
            "buyer quarantined (CustomerNotSubscribed: no agreement): the window closes")))
        .allowDeadLetters(Reconciliation.NOT_SUBSCRIBED).unsubscribed(List.of("acct:9")).build();
    assertThat(r.violations()).anyMatch(v -> v.contains("an unsubscribed buyer was BILLED 4 units"))
        .anyMatch(v -> v.contains("a subscribed buyer's report was dead-lettered as not subscribed"));
    assertThat(ok.violations()).isEmpty();
  }

  @Test
  void aBuyersDimensionHourSentWithTwoQuantitiesIsAViolationAndSoIsADuplicateRecord() {
    Reconciliation r = saas(Map.of("acct:1|users", 7L), List.of(ours("acct:1|users", HOUR_10, 7)))
        .requests(List.of(request("acct:1|users", HOUR_10, 7, null, "Accepted"),
            request("acct:1|users", HOUR_10, 8, null, "DuplicateRecord"),
            request("acct:2|users", HOUR_10, 8, null, null)))
        .build();
    assertThat(r.violations()).anyMatch(v -> v.contains("hour acct:1|users@10 was sent with different quantities"))
        .anyMatch(v -> v.contains("DuplicateRecord for an hour no one else metered"))
        .noneMatch(v -> v.contains("acct:2|users@10"));
  }

  @Test
  void aSaasRunWithManyKeysPrintsTotalsAndTheWorstRowsAndChecksPendingAsATotal() {
    Map<String, Long> recorded = new java.util.TreeMap<>();
    List<AcceptedRecord> accepted = new java.util.ArrayList<>();
    for (int b = 0; b < 40; b++) {
      recorded.put("acct:" + b + "|users", 10L);
      accepted.add(ours("acct:" + b + "|users", HOUR_10, b == 7 ? 9 : 10));
    }
    Reconciliation r = saas(recorded, accepted).pending(Map.of("users", 2L)).build();
    String table = r.table();
    assertThat(table).contains("(every buyer) users", "the 12 worst of 40 keys").doesNotContain("acct:39|users ");
    assertThat(table.indexOf("acct:7|users")).as("the row out of bounds first").isLessThan(table.indexOf("acct:0|users"));
    assertThat(r.violations()).containsExactly("acct:7|users: LOST 1 units: recorded 10 but accepted+dead-lettered+pending 9",
        "users: 2 units of some buyers still pending after the final drain");
  }

  private static Reconciliation.Builder saas(Map<String, Long> recorded, List<AcceptedRecord> accepted) {
    return Reconciliation.builder("t", MeteringMode.SAAS).truth(GroundTruth.of(recorded, Map.of()))
        .accepted(accepted);
  }

  private static Reconciliation.Builder hourly(Map<String, Long> recorded, List<AcceptedRecord> accepted) {
    return Reconciliation.builder("t", MeteringMode.HOURLY).truth(GroundTruth.of(recorded, Map.of()))
        .accepted(accepted);
  }

  private static AcceptedRecord ours(String dimension, Instant at, long quantity) {
    return new AcceptedRecord("r-" + at + quantity, dimension, at, quantity, null, false);
  }

  private static WireRequest request(String dimension, Instant at, long quantity, String token, String answer) {
    return new WireRequest(dimension, at, quantity, token, answer, false);
  }
}
