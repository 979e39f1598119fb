package io.hourmeter.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.spi.CircuitState;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One clock for a meter and its submitter: a meter hands its clock to an {@link AwsUsageSubmitter} that
 * was not given one, so the circuit breaker's open wait runs on the same time as the drainer's hours and
 * backoff; two different clocks fail {@code build()}. The real SDK client over HTTP, the drainer driven by
 * hand on a controllable clock.
 */
class OneClockTest {

  private static final Duration OPEN_WAIT = Duration.ofMinutes(10);

  @TempDir
  Path temp;

  private HandDrivenMeter fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new HandDrivenMeter(temp);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void theBreakersOpenWaitRunsOnTheMetersClockWhenTheSubmitterWasGivenNone() {
    MutableClock clock = fixture.clock;
    Meter meter = fixture.build(fixture.meterBuilder(trippingSubmitter().build()).clock(clock));
    meter.record("users", 5);
    clock.advance(Duration.ofMinutes(61)); // the hour has closed, past its 1 minute grace
    fixture.endpoint.faults().throttleRate(1.0);

    for (int step = 0; step < 20 && meter.status().circuitState() != CircuitState.OPEN; step++) {
      fixture.drive(Duration.ofSeconds(2)); // past each 1 s backoff, on the meter's clock
    }
    assertThat(meter.status().circuitState()).as("the breaker opened after two throttled sends")
        .isEqualTo(CircuitState.OPEN);
    long requestsWhenOpened = fixture.endpoint.counters().requests();
    fixture.endpoint.faults().clear();

    clock.advance(OPEN_WAIT.minusSeconds(5));
    fixture.drive(Duration.ZERO);
    long requestsBeforeTheWaitEnded = fixture.endpoint.counters().requests();
    clock.advance(Duration.ofSeconds(6));
    for (int step = 0; step < 5 && fixture.endpoint.accepted().isEmpty(); step++) {
      fixture.drive(Duration.ofSeconds(1));
    }

    assertThat(requestsBeforeTheWaitEnded).as("nothing sent while the breaker is open on the meter's clock")
        .isEqualTo(requestsWhenOpened);
    assertThat(fixture.endpoint.accepted()).as("the trial send once the open wait passed on the meter's clock")
        .singleElement().satisfies(record -> assertThat(record.quantity()).isEqualTo(5));
  }

  @Test
  void aMeterAndASubmitterGivenDifferentClocksFailAtBuildNamingBothOptions() {
    AwsUsageSubmitter submitter = trippingSubmitter().clock(MutableClock.atHour(493_200)).build();

    assertThatThrownBy(() -> fixture.build(fixture.meterBuilder(submitter).clock(fixture.clock)))
        .isInstanceOf(HourmeterException.class)
        .hasMessageContaining("MeterBuilder.clock")
        .hasMessageContaining("AwsUsageSubmitterBuilder.clock");
  }

  @Test
  void aMeterAndASubmitterGivenTheSameClockBuild() {
    AwsUsageSubmitter submitter = trippingSubmitter().clock(fixture.clock).build();

    Meter meter = fixture.build(fixture.meterBuilder(submitter).clock(fixture.clock));

    assertThat(meter.record("users", 1)).isTrue();
  }

  /** Opens after two retryable failures in a row; backoff 1 s without jitter; no rate limit to speak of. */
  private AwsUsageSubmitterBuilder trippingSubmitter() {
    return fixture.submitterBuilder()
        .slidingWindowSize(2)
        .minimumNumberOfCalls(2)
        .waitDurationInOpenState(OPEN_WAIT)
        .permittedCallsInHalfOpenState(1)
        .rateLimit(1_000, Duration.ofSeconds(1))
        .backoff(Duration.ofSeconds(1), 1.0, 0.0, Duration.ofSeconds(1));
  }
}
