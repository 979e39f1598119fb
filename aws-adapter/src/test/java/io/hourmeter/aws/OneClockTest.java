package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.CircuitState;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
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

  private final MutableClock clock = MutableClock.atHour(493_200);
  private LocalMeteringEndpoint endpoint;
  private AwsUsageSubmitter submitter;
  private Meter meter;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(temp.resolve("journal"));
    endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").clock(clock).build().start();
  }

  @AfterEach
  void stop() {
    if (meter != null) {
      meter.close();
    }
    if (submitter != null) {
      submitter.close();
    }
    endpoint.close();
  }

  @Test
  void theBreakersOpenWaitRunsOnTheMetersClockWhenTheSubmitterWasGivenNone() {
    submitter = trippingSubmitter().build();
    meter = meterBuilder().clock(clock).submitter(submitter).build();
    meter.record("users", 5);
    clock.advance(Duration.ofMinutes(61)); // the hour has closed, past its 1 minute grace
    endpoint.faults().throttleRate(1.0);

    for (int step = 0; step < 20 && meter.status().circuitState() != CircuitState.OPEN; step++) {
      drive(Duration.ofSeconds(2)); // past each 1 s backoff, on the meter's clock
    }
    assertThat(meter.status().circuitState()).as("the breaker opened after two throttled sends")
        .isEqualTo(CircuitState.OPEN);
    long requestsWhenOpened = endpoint.counters().requests();
    endpoint.faults().clear();

    clock.advance(OPEN_WAIT.minusSeconds(5));
    drive(Duration.ZERO);
    long requestsBeforeTheWaitEnded = endpoint.counters().requests();
    clock.advance(Duration.ofSeconds(6));
    for (int step = 0; step < 5 && endpoint.accepted().isEmpty(); step++) {
      drive(Duration.ofSeconds(1));
    }

    assertThat(requestsBeforeTheWaitEnded).as("nothing sent while the breaker is open on the meter's clock")
        .isEqualTo(requestsWhenOpened);
    assertThat(endpoint.accepted()).as("the trial send once the open wait passed on the meter's clock")
        .singleElement().satisfies(record -> assertThat(record.quantity()).isEqualTo(5));
  }

  @Test
  void aMeterAndASubmitterGivenDifferentClocksFailAtBuildNamingBothOptions() {
    submitter = trippingSubmitter().clock(MutableClock.atHour(493_200)).build();

    assertThatThrownBy(() -> meterBuilder().clock(clock).submitter(submitter).build())
        .isInstanceOf(HourmeterException.class)
        .hasMessageContaining("MeterBuilder.clock")
        .hasMessageContaining("AwsUsageSubmitterBuilder.clock");
  }

  @Test
  void aMeterAndASubmitterGivenTheSameClockBuild() {
    submitter = trippingSubmitter().clock(clock).build();

    meter = meterBuilder().clock(clock).submitter(submitter).build();

    assertThat(meter.record("users", 1)).isTrue();
  }

  /** Opens after two retryable failures in a row; backoff 1 s without jitter; no rate limit to speak of. */
  private AwsUsageSubmitterBuilder trippingSubmitter() {
    return LocalAws.submitterFor(endpoint)
        .slidingWindowSize(2)
        .minimumNumberOfCalls(2)
        .waitDurationInOpenState(OPEN_WAIT)
        .permittedCallsInHalfOpenState(1)
        .rateLimit(1_000, Duration.ofSeconds(1))
        .backoff(Duration.ofSeconds(1), 1.0, 0.0, Duration.ofSeconds(1));
  }

  private MeterBuilder meterBuilder() {
    return Meter.builder()
        .productCode(PRODUCT)
        .dimensions("users")
        .journalDirectory(temp.resolve("journal"))
        .storage(new InMemoryStorage())
        .sendJitter(Duration.ZERO)
        .drainerThread(false);
  }

  private void drive(Duration then) {
    for (int i = 0; i < 10; i++) {
      ((DefaultMeter) meter).drainer().doWork();
    }
    clock.advance(then);
  }
}
