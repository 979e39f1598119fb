package io.hourmeter.it.reliability;

import io.hourmeter.ErrorHandler;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.MeteringMode;
import io.hourmeter.StatusListener;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.aws.AwsUsageSubmitterBuilder;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.UsageSubmitter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A meter whose drainer settings are scaled to an accelerated hour, so that a simulated hour of a few
 * real seconds still closes, freezes, sends and retries as a real one does; and the real AWS SDK
 * submitter pointed at the local endpoint. Every scenario builds its meters here, in the test JVM or
 * in a child, so they all run the same configuration.
 */
final class ScaledMeter {
  static final String PRODUCT = "prod-reliability";
  static final String REGION = "us-east-1";

  private ScaledMeter() { }

  /**
   * The real AWS SDK client over HTTP to the local endpoint, its resilience scaled to the simulated
   * hour. The drainer adds {@code backoff(n)} and the breaker's {@code retryAfter} to the meter's
   * clock, so the breaker reads the same simulated {@code clock}, and every duration here is simulated:
   * backoff from 30 s doubling to 10 min, the breaker open for 10 min after half of 10 calls failed.
   * The rate limit (which runs on real time) is raised to 20 sends a second because a simulated hour of
   * a few seconds makes as many reports as a real hour; the endpoint is local, and no AWS quota is at
   * stake. Timeouts are real time, and generous: the test machine may be very busy.
   */
  static UsageSubmitter submitter(URI endpoint, InstantSource clock) {
    return submitter(endpoint, clock, MeteringMode.HOURLY);
  }

  /**
   * The submitter of {@code mode}: MeterUsage as {@link #submitter(URI, InstantSource)} for the hourly
   * and AgentCore modes; for SAAS the BatchMeterUsage one ({@code batchMeterUsage()}), the same but for
   * its rate limit: 200 calls a second instead of 20, because a SaaS meter freezes one report per buyer,
   * dimension and hour at each hour's end and sends them at once, 25 a call (1,000 buyers of 3
   * dimensions make 120 calls an hour; at 9 calls a second, BatchMeterUsage's default, a real hour sends
   * them in 13 s, so a simulated hour of seconds needs the burst to pass in well under one).
   */
  static UsageSubmitter submitter(URI endpoint, InstantSource clock, MeteringMode mode) {
    AwsUsageSubmitterBuilder builder = AwsUsageSubmitter.builder();
    if (mode == MeteringMode.SAAS) {
      builder.batchMeterUsage().rateLimit(200, Duration.ofSeconds(1));
    } else {
      builder.rateLimit(20, Duration.ofSeconds(1));
    }
    return builder
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDRELIABILITY", "reliability-secret")))
        .clock(clock)
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5))
        .apiCallTimeout(Duration.ofSeconds(10))
        .slidingWindowSize(10)
        .minimumNumberOfCalls(5)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofMinutes(10))
        .backoff(Duration.ofSeconds(30), 2.0, 0.5, Duration.ofMinutes(10))
        .build();
  }

  /**
   * A builder with the drainer's time settings scaled to an hour of a few real seconds (all durations
   * are simulated): grace 2 min, jitter up to 1 min (none in SAAS mode, its default: one meter sends
   * for the product), deadline margin 30 min, AgentCore cuts every 10 min. Retention keeps its default
   * (24 h), as a deployment would.
   */
  static MeterBuilder builder(Path journal, MeteringMode mode, InstantSource clock, UsageSubmitter submitter,
      String... dimensions) {
    MeterBuilder builder = Meter.builder();
    if (mode != MeteringMode.SAAS) {
      builder.sendJitter(Duration.ofMinutes(1));
    }
    return builder
        .productCode(PRODUCT)
        .dimensions(dimensions)
        .journalDirectory(journal)
        .mode(mode)
        .clock(clock)
        .submitter(submitter)
        .hourGrace(Duration.ofMinutes(2))
        .deadlineMargin(Duration.ofMinutes(30))
        .closeTimeout(Duration.ofSeconds(3))
        .agentCoreCutInterval(Duration.ofMinutes(10))
        .agentCoreCutUnits(5_000);
  }

  static Meter build(Path journal, MeteringMode mode, InstantSource clock, UsageSubmitter submitter,
      long minFreeDiskBytes, FreeSpaceProbe probe, ErrorHandler errors, StatusListener listener,
      String... dimensions) {
    return build(builder(journal, mode, clock, submitter, dimensions), minFreeDiskBytes, probe, errors, listener);
  }

  /** Builds {@code builder} (one of {@link #builder}'s, with any further settings) with these options. */
  static Meter build(MeterBuilder builder, long minFreeDiskBytes, FreeSpaceProbe probe, ErrorHandler errors,
      StatusListener listener) {
    builder
        .minFreeDiskBytes(minFreeDiskBytes)
        .errorHandler(errors);
    if (probe != null) {
      builder.freeSpaceProbe(probe);
    }
    if (listener != null) {
      builder.statusListener(listener);
    }
    return builder.build();
  }
}
