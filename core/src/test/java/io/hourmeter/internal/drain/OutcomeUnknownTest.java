package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static io.hourmeter.internal.drain.DrainerFixture.hourStart;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report whose send outcome is unknown may already be recorded by AWS, and an identical resend never
 * bills twice: it is resent identically until AWS's window closes (minus the clock-skew margin), never
 * carried, and dead-lettered as OUTCOME_UNKNOWN only if still unknown then.
 */
class OutcomeUnknownTest {
  @TempDir
  Path dir;

  /**
   * Rebuilds the meter with a submitter that passes the first send to AWS and fails every later one
   * as RETRYABLE until {@code until}, then passes them on again.
   */
  private static void firstSendThenRetryableUntil(DrainerFixture f, Instant until) {
    int[] sends = {0};
    f.submitter = new HourlyDrainTest.ForwardingSubmitter(f.aws) {
      @Override
      public SubmitOutcome submit(UsageReport report) {
        if (sends[0]++ > 0 && f.clock.instant().isBefore(until)) {
          return SubmitOutcome.failed(OutcomeClass.RETRYABLE, "ServiceUnavailable", "scripted until " + until);
        }
        return super.submit(report);
      }
    };
    f.meter.close();
    f.meter = f.build();
  }

  @Test
  void anOutcomeUnknownReportIsResentIdenticallyPastTheCarryDeadlineAndAcceptedOnce() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    Instant lateSuccess = hourStart(HOUR).plus(Duration.ofHours(5)).plus(Duration.ofMinutes(45));
    firstSendThenRetryableUntil(f, lateSuccess);
    // The first attempt reaches AWS, which records it, but its answer is lost: the outcome is unknown.
    f.aws.acceptButLoseResponse(1);
    f.record("users", 4);
    f.run(Duration.ofMinutes(63));
    assertThat(f.reports(ReportState.FROZEN)).singleElement().extracting(UsageReport::outcomeUnknown).isEqualTo(true);

    f.run(Duration.between(f.clock.instant(), lateSuccess).plusMinutes(5));

    assertThat(f.aws.accepted()).as("recorded once, by the first attempt").singleElement()
        .satisfies(a -> {
          assertThat(a.quantity()).isEqualTo(4);
          assertThat(a.timestamp()).isEqualTo(hourStart(HOUR));
        });
    assertThat(f.ledger().reports().values()).singleElement().satisfies(r -> {
      assertThat(r.state()).isEqualTo(ReportState.ACCEPTED);
      assertThat(r.meteringRecordId()).isEqualTo(f.aws.accepted().get(0).recordId());
      assertThat(r.updatedAt()).isAfterOrEqualTo(lateSuccess);
    });
    assertThat(f.aws.sent()).as("every resend byte-identical").extracting(HourlyDrainTest::wire)
        .containsOnly(HourlyDrainTest.wire(f.aws.sent().get(0)));
    assertThat(f.ledger().carryPool()).isEmpty();
    f.run(Duration.ofHours(2));
    assertThat(f.aws.accepted()).hasSize(1);
  }

  /** 4 units whose first send ends outcome-unknown and every later one RETRYABLE. */
  private DrainerFixture unknownThenRetryable(java.util.function.Consumer<io.hourmeter.MeterBuilder> options) {
    DrainerFixture f = new DrainerFixture(dir, options);
    f.record("users", 4);
    f.aws.failNext(1, OutcomeClass.OUTCOME_UNKNOWN);
    f.aws.failNext(10_000, OutcomeClass.RETRYABLE);
    return f;
  }

  @Test
  void aReportStillUnknownWhenTheWindowClosesIsDeadLetteredAsOutcomeUnknownNotCarried() {
    DrainerFixture f = unknownThenRetryable(DrainerFixture.noJitter());
    Instant windowCloses = hourStart(HOUR).plus(ReportWindow.METER_USAGE);
    Instant skewDeadline = windowCloses.minus(ReportWindow.DEFAULT_CLOCK_SKEW_MARGIN);

    f.run(Duration.between(f.clock.instant(), skewDeadline).minusMinutes(1));
    assertThat(f.reports(ReportState.FROZEN)).as("still resent a minute before the skew deadline").hasSize(1);
    f.run(Duration.ofMinutes(2));

    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r -> {
      assertThat(r.reason()).startsWith("OUTCOME_UNKNOWN");
      assertThat(r.quantity()).isEqualTo(4);
      assertThat(r.updatedAt()).isAfterOrEqualTo(skewDeadline).isBefore(windowCloses);
    });
    assertThat(f.ledger().carryPool()).isEmpty();
    assertThat(f.reports(ReportState.CARRIED)).isEmpty();
  }

  @Test
  void theClockSkewMarginIsASeparateSetting() {
    DrainerFixture f = unknownThenRetryable(DrainerFixture.defaults(b -> b.clockSkewMargin(Duration.ofMinutes(50))));

    f.run(Duration.ofHours(5).plusMinutes(5));
    assertThat(f.reports(ReportState.DEAD_LETTERED)).as("decided at hour + 6 h - 50 min").isEmpty();
    f.run(Duration.ofMinutes(10));

    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r ->
        assertThat(r.updatedAt()).isEqualTo(hourStart(HOUR).plus(Duration.ofMinutes(310))));
  }

  @Test
  void aTimestampOutOfBoundsForAnOutcomeUnknownReportDeadLettersItAsOutcomeUnknownNotCarried() {
    DrainerFixture f = new DrainerFixture(dir, DrainerFixture.noJitter());
    f.record("users", 4);
    f.aws.failNext(1, OutcomeClass.OUTCOME_UNKNOWN);
    f.aws.failNext(1, OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS);
    f.run(Duration.ofMinutes(65));

    assertThat(f.reports(ReportState.DEAD_LETTERED)).singleElement().satisfies(r -> {
      assertThat(r.reason()).startsWith("OUTCOME_UNKNOWN").contains("TimestampOutOfBounds");
      assertThat(r.outcomeUnknown()).isTrue();
    });
    assertThat(f.ledger().carryPool()).isEmpty();
  }
}
