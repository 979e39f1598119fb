package io.hourmeter.benchmarks;

import io.hourmeter.Buyer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.kafka.KafkaFleet;
import io.hourmeter.kafka.testkit.KafkaBroker;
import io.hourmeter.local.AcceleratedClock;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.SaasCustomer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The host side of the fleet: does shipping partials to Kafka cost {@code record()} anything? Two SaaS
 * meters in one JVM on one accelerated clock (an hour every 10 s, so both drainers freeze and send
 * throughout): {@code direct} sends BatchMeterUsage over the real AWS SDK to the local endpoint, as a
 * single host does; {@code fleet} ships its partials to a real broker ({@link KafkaBroker}, a child JVM)
 * with {@link KafkaFleet#partialSubmitter()}. On one thread, {@link #BLOCK} calls on each meter's
 * customer-dimension handles (1,000 buyers, in turn) alternate, in alternating order, so that the
 * machine's load hits both sides of each pair alike; the figure is the median of the per-pair ratios
 * fleet / direct (target at most 1.1), with its quartiles.
 *
 * <p>Usage: {@code FleetHostPairedProbe <warmupSeconds> <measureSeconds> <output.jsonl>}; the broker's
 * class path file from {@code -Dhourmeter.kafka.brokerClasspath} (run.sh sets it).
 */
public final class FleetHostPairedProbe {
  static final int BLOCK = 10_000;
  static final int BUYERS = 1_000;

  private FleetHostPairedProbe() { }

  public static void main(String[] args) throws Exception {
    long warmupNanos = (long) (Double.parseDouble(args[0]) * 1e9);
    long measureNanos = (long) (Double.parseDouble(args[1]) * 1e9);
    Path output = Path.of(args[2]);
    Buyer[] buyers = new Buyer[BUYERS];
    for (int i = 0; i < BUYERS; i++) {
      buyers[i] = Buyer.ofAccount(String.format(Locale.ROOT, "%012d", 400_000_000_000L + i));
    }
    AcceleratedClock clock = AcceleratedClock.startingNow(
        Instant.now().truncatedTo(ChronoUnit.HOURS).plus(50, ChronoUnit.MINUTES), Duration.ofHours(1),
        Duration.ofSeconds(10));
    LocalMeteringEndpoint.Builder endpointBuilder = LocalMeteringEndpoint.builder()
        .product(MeterFixture.PRODUCT_CODE, MeterFixture.USERS, MeterFixture.REQUESTS).clock(clock);
    for (Buyer buyer : buyers) {
      endpointBuilder.subscriber(MeterFixture.PRODUCT_CODE, SaasCustomer.account(buyer.awsAccountId()));
    }
    Path directDir = BenchDirectories.create("fleet-paired-direct");
    Path fleetDir = BenchDirectories.create("fleet-paired-fleet");
    try (LocalMeteringEndpoint endpoint = endpointBuilder.build().start();
         KafkaBroker broker = KafkaBroker.start(fleetDir.resolve("kafka"))) {
      KafkaFleet fleet = KafkaFleet.builder().productCode(MeterFixture.PRODUCT_CODE)
          .bootstrapServers(broker.bootstrapServers()).partitions(6).replicationFactor(1).minInsyncReplicas(1)
          .build();
      fleet.ensureTopics();
      AwsUsageSubmitter batch = AwsUsageSubmitter.builder().batchMeterUsage().rateLimit(200, Duration.ofSeconds(1))
          .endpointOverride(endpoint.uri()).region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
          .build();
      try (Meter direct = MeterFixture.builder(directDir.resolve("journal"), clock, batch)
              .mode(MeteringMode.SAAS).hourGrace(Duration.ZERO).maxCachedCustomers(BUYERS).build();
           Meter shipping = MeterFixture.builder(fleetDir.resolve("journal"), clock, fleet.partialSubmitter())
              .mode(MeteringMode.SAAS).hourGrace(Duration.ZERO).maxCachedCustomers(BUYERS).build()) {
        Dimension[] directHandles = handles(direct, buyers);
        Dimension[] fleetHandles = handles(shipping, buyers);
        run(directHandles, fleetHandles, warmupNanos);
        double[][] pairs = run(directHandles, fleetHandles, measureNanos);
        String line = json(pairs, direct, shipping, endpoint);
        System.out.println(line);
        PairedRatioProbe.append(output, line);
      }
    } finally {
      BenchDirectories.delete(directDir);
      BenchDirectories.delete(fleetDir);
    }
  }

  private static Dimension[] handles(Meter meter, Buyer[] buyers) {
    Dimension[] out = new Dimension[buyers.length];
    for (int i = 0; i < buyers.length; i++) {
      out[i] = meter.customer(buyers[i]).dimension(MeterFixture.USERS);
    }
    return out;
  }

  /** Pairs of per-call nanoseconds: [0] direct, [1] fleet. */
  private static double[][] run(Dimension[] direct, Dimension[] fleet, long nanos) {
    double[] d = new double[1024];
    double[] f = new double[1024];
    int n = 0;
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      if (n == d.length) {
        d = Arrays.copyOf(d, n * 2);
        f = Arrays.copyOf(f, n * 2);
      }
      if ((n & 1) == 0) {
        d[n] = block(direct);
        f[n] = block(fleet);
      } else {
        f[n] = block(fleet);
        d[n] = block(direct);
      }
      n++;
    }
    return new double[][] {Arrays.copyOf(d, n), Arrays.copyOf(f, n)};
  }

  private static double block(Dimension[] handles) {
    long start = System.nanoTime();
    for (int i = 0; i < BLOCK; i++) {
      if (!handles[i % handles.length].record(1)) {
        throw new IllegalStateException("record() was refused");
      }
    }
    return (System.nanoTime() - start) / (double) BLOCK;
  }

  private static String json(double[][] pairs, Meter direct, Meter shipping, LocalMeteringEndpoint endpoint) {
    double[] ratio = new double[pairs[0].length];
    for (int i = 0; i < ratio.length; i++) {
      ratio[i] = pairs[1][i] / pairs[0][i];
    }
    return String.format(Locale.ROOT, "{\"pairs\":%d,\"block\":%d,\"buyers\":%d,\"directNs\":%.2f,\"fleetNs\":%.2f,"
            + "\"fleetToDirect\":%.4f,\"fleetToDirectP25\":%.4f,\"fleetToDirectP75\":%.4f,"
            + "\"directAcceptedUnits\":%d,\"fleetShippedUnits\":%d,\"endpoint\":\"%s\"}",
        ratio.length, BLOCK, BUYERS, PairedRatioProbe.quantile(pairs[0], 0.5), PairedRatioProbe.quantile(pairs[1], 0.5),
        PairedRatioProbe.quantile(ratio, 0.5), PairedRatioProbe.quantile(ratio, 0.25),
        PairedRatioProbe.quantile(ratio, 0.75), direct.status().acceptedUnits(), shipping.status().acceptedUnits(),
        endpoint.counters());
  }
}
