package io.hourmeter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.Buyer;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageSubmitter} must do against a service that behaves as AWS MeterUsage does, and,
 * for SaaS mode, as BatchMeterUsage does: calls of up to 25 reports of one product, each report with
 * its own outcome in order, whole-call errors marked as such. An implementation's test extends this
 * and supplies submitters wired to such a service (the in-memory {@link RecordingUsageSubmitter}, or
 * the AWS SDK client against the local endpoint).
 */
public abstract class UsageSubmitterContract {
  protected static final String PRODUCT = "prod-contract1";
  protected static final Set<String> DIMENSIONS = Set.of("users", "requests");
  protected final MutableClock clock = MutableClock.atHour(490_000).advance(Duration.ofMinutes(70));

  /**
   * A submitter whose service knows {@code productCode} with {@code dimensions} and reads time from
   * {@code clock}; a fresh service for every call.
   */
  protected abstract UsageSubmitter submitter(String productCode, Set<String> dimensions, InstantSource clock);

  /** A licensed buyer (Concurrent Agreements), subscribed in every SaaS test. */
  protected static final Buyer ACME = Buyer.of("111111111111", "arn:aws:license-manager::111111111111:license/l-acme");
  /** An account-only buyer, subscribed. */
  protected static final Buyer GLOBEX = Buyer.ofAccount("222222222222");
  /** A legacy CustomerIdentifier buyer, subscribed. */
  protected static final Buyer INITECH = Buyer.ofCustomerIdentifier("cust-initech");
  /** A buyer the service was never told about. */
  protected static final Buyer STRANGER = Buyer.ofAccount("999999999999");
  /** Ten more subscribed account buyers, for full calls. */
  protected static final List<Buyer> MANY = IntStream.range(0, 10)
      .mapToObj(i -> Buyer.ofAccount(String.format("3000000000%02d", i))).toList();

  /**
   * A BatchMeterUsage submitter (SaaS mode) whose service knows {@code productCode} with
   * {@code dimensions}, has {@code subscribers} subscribed to it, and reads time from {@code clock}; a
   * fresh service for every call. An adapter's test overrides this; the default is the in-memory fake,
   * so that {@code InMemoryContractsTest} runs these tests on it too.
   */
  protected UsageSubmitter saasSubmitter(String productCode, Set<String> dimensions, Set<Buyer> subscribers,
      InstantSource clock) {
    return RecordingUsageSubmitter.saas(clock, productCode, dimensions, subscribers);
  }

  /**
   * Makes the service behind {@code submitter} (one {@link #saasSubmitter} made) leave the next
   * {@code records} records it receives unprocessed. An adapter's test overrides this with its service's
   * fault; the default scripts the in-memory fake.
   */
  protected void leaveUnprocessedNext(UsageSubmitter submitter, int records) {
    ((RecordingUsageSubmitter) submitter).leaveUnprocessedNext(records);
  }

  private UsageSubmitter saasSubmitter() {
    Set<Buyer> subscribers = new java.util.HashSet<>(MANY);
    subscribers.addAll(List.of(ACME, GLOBEX, INITECH));
    return saasSubmitter(PRODUCT, DIMENSIONS, subscribers, clock);
  }

  /** A frozen SaaS report of {@code buyer}, stamped with the hour's start as the drainer freezes them. */
  protected static UsageReport saas(Buyer buyer, String dimension, long epochHour, long quantity) {
    Instant start = Instant.ofEpochSecond(epochHour * 3600);
    return new UsageReport(1, PRODUCT, dimension, epochHour, start, quantity, List.of(), null, -1, -1,
        ReportState.IN_FLIGHT, 1, false, null, null, start, 0, buyer);
  }

  protected static UsageReport hourly(String dimension, long epochHour, long quantity) {
    Instant start = Instant.ofEpochSecond(epochHour * 3600);
    return new UsageReport(1, PRODUCT, dimension, epochHour, start, quantity, List.of(), null, -1, -1,
        ReportState.IN_FLIGHT, 1, false, null, null, start);
  }

  protected static UsageReport withToken(String dimension, Instant timestamp, long quantity, String token) {
    return new UsageReport(1, PRODUCT, dimension, timestamp.getEpochSecond() / 3600, timestamp, quantity,
        List.of(), token, 0, 10, ReportState.IN_FLIGHT, 1, false, null, null, timestamp);
  }

  private long lastHour() {
    return clock.epochHour() - 1;
  }

  @Test
  void aValidReportIsAcceptedWithARecordId() {
    SubmitOutcome outcome = submitter(PRODUCT, DIMENSIONS, clock).submit(hourly("users", lastHour(), 5));

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(outcome.meteringRecordId()).isNotBlank();
  }

  @Test
  void anIdenticalResendReturnsTheSameRecordId() {
    UsageSubmitter submitter = submitter(PRODUCT, DIMENSIONS, clock);
    SubmitOutcome first = submitter.submit(hourly("users", lastHour(), 5));
    SubmitOutcome again = submitter.submit(hourly("users", lastHour(), 5));

    assertThat(again.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(again.meteringRecordId()).isEqualTo(first.meteringRecordId());
  }

  @Test
  void anotherQuantityForTheSameDimensionHourIsDuplicateRequest() {
    UsageSubmitter submitter = submitter(PRODUCT, DIMENSIONS, clock);
    submitter.submit(hourly("users", lastHour(), 5));

    assertThat(submitter.submit(hourly("users", lastHour(), 6)).outcome())
        .isEqualTo(OutcomeClass.DUPLICATE_REQUEST);
    assertThat(submitter.submit(hourly("requests", lastHour(), 6)).outcome())
        .isEqualTo(OutcomeClass.ACCEPTED);
  }

  @Test
  void aClientTokenResentWithTheSameRequestReturnsTheSameRecordId() {
    UsageSubmitter submitter = submitter(PRODUCT, DIMENSIONS, clock);
    Instant at = clock.instant().minusSeconds(5);
    SubmitOutcome first = submitter.submit(withToken("users", at, 5, "tok-1"));
    SubmitOutcome second = submitter.submit(withToken("users", at.plusSeconds(1), 7, "tok-2"));
    SubmitOutcome again = submitter.submit(withToken("users", at, 5, "tok-1"));

    assertThat(first.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(second.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(second.meteringRecordId()).isNotEqualTo(first.meteringRecordId());
    assertThat(again.meteringRecordId()).isEqualTo(first.meteringRecordId());
  }

  @Test
  void aClientTokenReusedWithOtherParametersIsIdempotencyConflict() {
    UsageSubmitter submitter = submitter(PRODUCT, DIMENSIONS, clock);
    Instant at = clock.instant().minusSeconds(5);
    submitter.submit(withToken("users", at, 5, "tok-1"));

    assertThat(submitter.submit(withToken("users", at, 6, "tok-1")).outcome())
        .isEqualTo(OutcomeClass.IDEMPOTENCY_CONFLICT);
  }

  @Test
  void aTimestampOverSixHoursOldIsOutOfBounds() {
    SubmitOutcome outcome = submitter(PRODUCT, DIMENSIONS, clock).submit(hourly("users", lastHour() - 7, 5));

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
  }

  @Test
  void anUnknownDimensionIsInvalidDimension() {
    SubmitOutcome outcome = submitter(PRODUCT, DIMENSIONS, clock).submit(hourly("gpus", lastHour(), 5));

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.INVALID_DIMENSION);
  }

  @Test
  void anUnknownProductIsAConfigurationError() {
    SubmitOutcome outcome = submitter("prod-other", DIMENSIONS, clock).submit(hourly("users", lastHour(), 5));

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.CONFIGURATION);
  }

  @Test
  void aMeterUsageSubmitterSendsOneReportPerCall() {
    UsageSubmitter submitter = submitter(PRODUCT, DIMENSIONS, clock);
    List<UsageReport> two = List.of(hourly("users", lastHour(), 5), hourly("requests", lastHour(), 5));

    assertThat(submitter.maxReportsPerCall()).isEqualTo(1);
    assertThat(submitter.callSize(two)).isEqualTo(1);
    assertThat(submitter.submitAll(two.subList(0, 1))).singleElement()
        .extracting(SubmitOutcome::outcome).isEqualTo(OutcomeClass.ACCEPTED);
  }

  @Test
  void aSaasCallCarriesTwentyFiveReportsEachAcceptedWithItsOwnRecordId() {
    UsageSubmitter submitter = saasSubmitter();
    List<UsageReport> reports = new ArrayList<>();
    for (Buyer buyer : MANY) {
      for (String dimension : List.of("users", "requests")) {
        for (long hour = lastHour(); hour > lastHour() - 2; hour--) {
          reports.add(saas(buyer, dimension, hour, 1 + reports.size()));
        }
      }
    }
    List<UsageReport> call = reports.subList(0, 25);

    assertThat(submitter.maxReportsPerCall()).isEqualTo(25);
    assertThat(submitter.callSize(call)).isEqualTo(25);
    assertThat(submitter.callSize(reports.subList(0, 26))).as("never more than 25").isEqualTo(25);
    assertThatThrownBy(() -> submitter.submitAll(reports.subList(0, 26)))
        .isInstanceOf(IllegalArgumentException.class);
    List<SubmitOutcome> outcomes = submitter.submitAll(call);

    assertThat(outcomes).hasSize(25).allSatisfy(outcome -> {
      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
      assertThat(outcome.wholeCall()).isFalse();
    });
    assertThat(outcomes.stream().map(SubmitOutcome::meteringRecordId).distinct()).hasSize(25);
  }

  @Test
  void eachReportOfASaasCallGetsItsOwnOutcomeInTheOrderSent() {
    UsageSubmitter submitter = saasSubmitter();
    SubmitOutcome first = submitter.submit(saas(GLOBEX, "users", lastHour(), 5));

    List<SubmitOutcome> outcomes = submitter.submitAll(List.of(
        saas(INITECH, "requests", lastHour(), 3),
        saas(GLOBEX, "users", lastHour(), 6),
        saas(STRANGER, "users", lastHour(), 1),
        saas(ACME, "users", lastHour(), 2)));

    assertThat(first.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(outcomes).extracting(SubmitOutcome::outcome).containsExactly(OutcomeClass.ACCEPTED,
        OutcomeClass.DUPLICATE_REQUEST, OutcomeClass.CUSTOMER_NOT_SUBSCRIBED, OutcomeClass.ACCEPTED);
    assertThat(outcomes.get(1).errorCode()).isEqualTo("DuplicateRecord");
    assertThat(outcomes.get(2).errorCode()).isEqualTo("CustomerNotSubscribed");
    assertThat(outcomes).noneMatch(SubmitOutcome::wholeCall);
  }

  @Test
  void anIdenticalResendOfASaasCallOrOfPartOfItReturnsTheSameRecordIds() {
    UsageSubmitter submitter = saasSubmitter();
    List<UsageReport> call = List.of(saas(ACME, "users", lastHour(), 4), saas(GLOBEX, "users", lastHour(), 5),
        saas(INITECH, "users", lastHour(), 6));

    List<SubmitOutcome> first = submitter.submitAll(call);
    List<SubmitOutcome> again = submitter.submitAll(call);
    List<SubmitOutcome> part = submitter.submitAll(call.subList(1, 3));

    assertThat(again).isEqualTo(first);
    assertThat(part).isEqualTo(first.subList(1, 3));
  }

  @Test
  void anUnprocessedRecordIsRetryableAndItsUnchangedResendIsAccepted() {
    UsageSubmitter submitter = saasSubmitter();
    List<UsageReport> call = List.of(saas(ACME, "users", lastHour(), 4), saas(GLOBEX, "users", lastHour(), 5));
    leaveUnprocessedNext(submitter, 1);

    List<SubmitOutcome> first = submitter.submitAll(call);
    List<SubmitOutcome> resent = submitter.submitAll(call.subList(0, 1));

    assertThat(first).extracting(SubmitOutcome::outcome).containsExactly(OutcomeClass.RETRYABLE,
        OutcomeClass.ACCEPTED);
    assertThat(first.get(0).errorCode()).isEqualTo("UnprocessedRecord");
    assertThat(first).noneMatch(SubmitOutcome::wholeCall);
    assertThat(resent).singleElement().extracting(SubmitOutcome::outcome).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(resent.get(0).meteringRecordId()).isNotEqualTo(first.get(1).meteringRecordId());
  }

  @Test
  void anErrorAnswerToASaasCallOfSeveralIsMarkedAsAnAnswerToTheWholeCall() {
    UsageSubmitter submitter = saasSubmitter();

    List<SubmitOutcome> together = submitter.submitAll(List.of(saas(ACME, "users", lastHour(), 4),
        saas(ACME, "gpus", lastHour(), 1)));
    List<SubmitOutcome> alone = submitter.submitAll(List.of(saas(ACME, "gpus", lastHour(), 1)));
    SubmitOutcome otherQuantity = submitter.submit(saas(ACME, "users", lastHour(), 7));

    assertThat(together).extracting(SubmitOutcome::outcome)
        .containsOnly(OutcomeClass.INVALID_DIMENSION);
    assertThat(together).allMatch(SubmitOutcome::wholeCall);
    assertThat(alone).singleElement().satisfies(outcome -> {
      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.INVALID_DIMENSION);
      assertThat(outcome.wholeCall()).as("the answer to a call of one report is about that report").isFalse();
    });
    assertThat(otherQuantity.outcome()).as("nothing of the rejected call was recorded")
        .isEqualTo(OutcomeClass.ACCEPTED);
  }

  @Test
  void saasUsageIsAcceptedForTwentyFourHoursNotSix() {
    UsageSubmitter submitter = saasSubmitter();

    SubmitOutcome sevenHoursOld = submitter.submit(saas(ACME, "users", lastHour() - 7, 1));
    SubmitOutcome dayOld = submitter.submit(saas(ACME, "users", lastHour() - 24, 1));

    assertThat(sevenHoursOld.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(dayOld.outcome()).isEqualTo(OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
  }

  @Test
  void aSaasCallIsOfOneProductAndOfDistinctRecords() {
    UsageSubmitter submitter = saasSubmitter();
    UsageReport ours = saas(ACME, "users", lastHour(), 1);
    UsageReport otherProduct = new UsageReport(2, "prod-contract2", "users", lastHour(), ours.timestamp(), 1,
        List.of(), null, -1, -1, ReportState.IN_FLIGHT, 1, false, null, null, ours.timestamp(), 0, GLOBEX);

    assertThat(submitter.callSize(List.of(ours, saas(GLOBEX, "users", lastHour(), 1), otherProduct)))
        .isEqualTo(2);
    assertThat(submitter.callSize(List.of(ours, saas(ACME, "users", lastHour(), 2)))).isEqualTo(1);
  }

  @Test
  void aSaasCallForAnUnknownProductIsAConfigurationError() {
    UsageSubmitter submitter = saasSubmitter("prod-other", DIMENSIONS, Set.of(ACME, GLOBEX), clock);

    List<SubmitOutcome> outcomes = submitter.submitAll(List.of(saas(ACME, "users", lastHour(), 1),
        saas(GLOBEX, "users", lastHour(), 1)));

    assertThat(outcomes).extracting(SubmitOutcome::outcome).containsOnly(OutcomeClass.CONFIGURATION);
  }
}
