package io.hourmeter.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.local.Faults;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the drainer does with the classification, through the real SDK over HTTP: a report that met an
 * answer proving nothing (a proxy's 502 after the service recorded it) is never carried into another
 * hour, however long sending fails afterwards; a report that met only throttling is carried at its
 * deadline, as before.
 */
class UnknownOutcomeDrainTest {

  /** The backoff, and how far the clock moves between drainer steps. */
  private static final Duration STEP = Duration.ofMinutes(5);
  /** From the hour's close to past its carry deadline (its start + 6 h - the 30 min margin). */
  private static final Duration PAST_THE_DEADLINE = Duration.ofHours(5);

  @TempDir
  Path temp;

  private HandDrivenMeter fixture;
  private Meter meter;

  @BeforeEach
  void start() throws Exception {
    fixture = new HandDrivenMeter(temp);
    AwsUsageSubmitter submitter = fixture.submitterBuilder()
        .rateLimit(1_000, Duration.ofSeconds(1))
        .backoff(STEP, 1.0, 0.0, STEP)
        .build();
    meter = fixture.build(fixture.meterBuilder(submitter).clock(fixture.clock));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aReportAnswered502AfterTheServiceRecordedItIsNeverCarriedIntoAnotherHour() {
    Instant hour = recordAndCloseTheHour();
    fixture.endpoint.faults()
        .answerNext(new Faults.Answer(502, "text/html", "<html>502 Bad Gateway</html>", true))
        .throttleRate(1.0);

    MeterStatus status = sendFor(PAST_THE_DEADLINE);

    assertThat(status.carriedUnits()).as("units carried into a later hour").isZero();
    assertThat(fixture.endpoint.accepted()).as("what the endpoint holds").singleElement()
        .satisfies(record -> {
          assertThat(record.timestamp()).isEqualTo(hour);
          assertThat(record.quantity()).isEqualTo(5);
        });
    assertThat(fixture.endpoint.requestBodies()).as("every request, identical to the first")
        .hasSizeGreaterThan(2).allMatch(body -> body.equals(fixture.endpoint.requestBodies().get(0)));
  }

  @Test
  void aReportThatMetOnlyThrottlingIsCarriedAtItsDeadline() {
    recordAndCloseTheHour();
    fixture.endpoint.faults().throttleRate(1.0);

    MeterStatus status = sendFor(PAST_THE_DEADLINE);

    assertThat(status.carriedUnits()).as("units carried into a later hour").isEqualTo(5);
    assertThat(fixture.endpoint.accepted()).isEmpty();
  }

  /** Records 5 units in the current hour, moves past its end and grace; returns the hour's start. */
  private Instant recordAndCloseTheHour() {
    Instant hour = Instant.ofEpochSecond(fixture.clock.epochHour() * 3600);
    meter.record("users", 5);
    fixture.clock.advance(Duration.ofMinutes(62));
    return hour;
  }

  /** Drives the drainer a backoff at a time for {@code span} of the meter's clock. */
  private MeterStatus sendFor(Duration span) {
    for (Duration driven = Duration.ZERO; driven.compareTo(span) < 0; driven = driven.plus(STEP)) {
      fixture.drive(STEP);
    }
    fixture.drive(Duration.ZERO);
    return meter.status();
  }
}
