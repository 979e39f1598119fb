package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;

import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A meter on in-memory storage and a controllable clock, its drainer driven by hand, sending with the
 * real SDK client over HTTP to a local endpoint on the same clock. Not thread-safe: one test thread.
 */
final class HandDrivenMeter implements AutoCloseable {

  final MutableClock clock = MutableClock.atHour(493_200);
  final LocalMeteringEndpoint endpoint;
  private final Path journal;
  private AwsUsageSubmitter submitter;
  private Meter meter;

  HandDrivenMeter(Path temp) throws IOException {
    journal = Files.createDirectories(temp.resolve("journal"));
    endpoint = LocalMeteringEndpoint.builder().product(PRODUCT, "users").clock(clock).build().start();
  }

  /** A builder for the submitter, pointed at the endpoint. */
  AwsUsageSubmitterBuilder submitterBuilder() {
    return LocalAws.submitterFor(endpoint);
  }

  /** A meter builder for {@code submitter} (closed with this fixture), without a clock, jitter or thread. */
  MeterBuilder meterBuilder(AwsUsageSubmitter sender) {
    submitter = sender;
    return Meter.builder()
        .productCode(PRODUCT)
        .dimensions("users")
        .journalDirectory(journal)
        .storage(new InMemoryStorage())
        .sendJitter(Duration.ZERO)
        .submitter(sender)
        .drainerThread(false);
  }

  /** Builds the meter this fixture drives and closes. */
  Meter build(MeterBuilder builder) {
    meter = builder.build();
    return meter;
  }

  /** Runs some drainer steps, then moves the clock on by {@code then}. */
  void drive(Duration then) {
    for (int i = 0; i < 10; i++) {
      ((DefaultMeter) meter).drainer().doWork();
    }
    clock.advance(then);
  }

  @Override
  public void close() {
    if (meter != null) {
      meter.close();
    }
    if (submitter != null) {
      submitter.close();
    }
    endpoint.close();
  }
}
