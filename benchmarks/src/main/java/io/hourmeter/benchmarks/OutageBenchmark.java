package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.local.AcceleratedClock;
import io.hourmeter.local.Counters;
import io.hourmeter.local.LocalMeteringEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@code record()} latency on a handle while the drainer sends to a local Metering endpoint over the real
 * AWS SDK: {@code healthy} (every report accepted) against {@code outage} (every request answered with
 * ThrottlingException or a 500). The meter's clock runs 360 times fast, so an hour closes every 10 s and
 * the drainer freezes and sends (and, in the outage, retries with short backoffs) throughout each
 * iteration. The clock starts 50 minutes into an hour, so the first send happens within 2 s, during
 * warm-up: the JIT compiles the SDK's success or error paths before measurement, not during it (on 2
 * cores the compiler threads would otherwise compete with the recording thread in one state only). Both states run in the same JVM configuration and the same run; the host application
 * should not feel the outage.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class OutageBenchmark {
  /** Simulated hours pass in 10 real seconds. */
  static final double SPEED_UP = 360;

  @Param({"healthy", "outage"})
  public String endpoint;

  private LocalMeteringEndpoint server;
  private AwsUsageSubmitter submitter;
  private Path directory;
  private Meter meter;
  private Dimension users;
  /** Not final, so the JIT cannot fold it. */
  private long quantity = 1;

  @Setup(Level.Trial)
  public void start() {
    AcceleratedClock clock = AcceleratedClock.startingNow(
        Instant.now().truncatedTo(ChronoUnit.HOURS).plus(50, ChronoUnit.MINUTES), Duration.ofHours(1),
        Duration.ofSeconds(10));
    server = LocalMeteringEndpoint.builder()
        .product(MeterFixture.PRODUCT_CODE, MeterFixture.USERS, MeterFixture.REQUESTS)
        .clock(clock)
        .build()
        .start();
    if (endpoint.equals("outage")) {
      server.faults().throttleRate(0.5).serverErrorRate(1.0);
    } else if (!endpoint.equals("healthy")) {
      throw new IllegalArgumentException("endpoint must be healthy or outage but was " + endpoint);
    }
    submitter = AwsUsageSubmitter.builder()
        .endpointOverride(server.uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
        .backoff(Duration.ofMillis(20), 2.0, 0.5, Duration.ofMillis(500))
        .waitDurationInOpenState(Duration.ofMillis(500))
        .build();
    directory = BenchDirectories.create("outage");
    meter = MeterFixture.builder(directory, clock, submitter)
        .hourGrace(Duration.ZERO)
        .sendJitter(Duration.ZERO)
        .build();
    users = meter.dimension(MeterFixture.USERS);
  }

  @TearDown(Level.Trial)
  public void stop() {
    Counters seen = server.counters();
    meter.close();
    submitter.close();
    server.close();
    BenchDirectories.delete(directory);
    System.out.println("endpoint " + endpoint + " saw " + seen);
    boolean sent = endpoint.equals("healthy") ? seen.accepted() > 0 : seen.throttled() + seen.failed() > 0;
    if (!sent || (endpoint.equals("outage") && seen.accepted() > 0)) {
      throw new IllegalStateException("the drainer did not exercise the " + endpoint + " endpoint: " + seen);
    }
  }

  @Benchmark
  public boolean handle() {
    return users.record(quantity);
  }
}
