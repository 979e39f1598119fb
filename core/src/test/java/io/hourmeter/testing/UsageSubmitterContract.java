package io.hourmeter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageSubmitter} must do against a service that behaves as AWS MeterUsage does. An
 * implementation's test extends this and supplies a submitter wired to such a service (the in-memory
 * {@link RecordingUsageSubmitter}, or the AWS SDK client against the local endpoint).
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
}
