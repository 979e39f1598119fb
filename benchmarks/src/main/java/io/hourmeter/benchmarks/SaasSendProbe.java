package io.hourmeter.benchmarks;

import io.hourmeter.Buyer;
import io.hourmeter.Customer;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.SaasCustomer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * SaaS sending end to end, timed once per JVM (not JMH: one run is tens of seconds): {@code buyers} x 3
 * dimensions of one hour are recorded through a real SAAS meter (Chronicle journal, file ledger, drainer
 * thread), then the hour is closed (the meter's clock jumps past it and its grace) and the probe times,
 * from that moment, the freeze and the sending of every report with the real AWS SDK BatchMeterUsage
 * submitter to the local endpoint on 127.0.0.1, until status shows every report accepted.
 *
 * <p>Two limits: {@code lifted} (the rate limiter raised to 10,000 calls/s, so the drainer, the ledger's
 * commits and the HTTP round trips are the floor; target: 100,000 buyers x 3 dimensions, 12,000 calls, in
 * under 60 s), and {@code default} (the BatchMeterUsage default of 9 calls/s; the floor is then
 * calls / 9 s, and the schedule should stay within 1.1x of it: run with fewer buyers, for example
 * 10,000 buyers x 3 = 1,200 calls, whose floor is 133 s).
 *
 * <p>Usage: {@code SaasSendProbe <buyers> <lifted|default> <output.jsonl>}.
 */
public final class SaasSendProbe {
  private static final String[] DIMENSIONS = {"api_calls", "storage_gb", "seats"};

  private SaasSendProbe() { }

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || !(args[1].equals("lifted") || args[1].equals("default"))) {
      System.err.println("usage: SaasSendProbe <buyers> <lifted|default> <output.jsonl>");
      System.exit(2);
    }
    int buyerCount = Integer.parseInt(args[0]);
    boolean lifted = args[1].equals("lifted");
    Path output = Path.of(args[2]);
    // Real time from a minute into the current hour; the probe moves it past the hour's end at once. It
    // keeps running, since the drainer's backoff and the rate limiter's waits are read on it.
    long hour = Math.floorDiv(System.currentTimeMillis(), 3_600_000L);
    AtomicLong offset = new AtomicLong(hour * 3_600_000L + 60_000 - System.currentTimeMillis());
    InstantSource clock = new InstantSource() {
      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public long millis() {
        return System.currentTimeMillis() + offset.get();
      }
    };
    Buyer[] buyers = new Buyer[buyerCount];
    LocalMeteringEndpoint.Builder endpointBuilder = LocalMeteringEndpoint.builder()
        .product(MeterFixture.PRODUCT_CODE, DIMENSIONS).clock(clock).region("us-east-1");
    for (int i = 0; i < buyerCount; i++) {
      String account = String.format(Locale.ROOT, "%012d", 400_000_000_000L + i);
      buyers[i] = Buyer.ofAccount(account);
      endpointBuilder.subscriber(MeterFixture.PRODUCT_CODE, SaasCustomer.account(account));
    }
    Path directory = BenchDirectories.create("saas-send");
    try (LocalMeteringEndpoint endpoint = endpointBuilder.build().start()) {
      var submitter = AwsUsageSubmitter.builder().batchMeterUsage()
          .endpointOverride(endpoint.uri())
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")));
      if (lifted) {
        submitter.rateLimit(10_000, Duration.ofSeconds(1));
      }
      try (Meter meter = Meter.builder()
          .productCode(MeterFixture.PRODUCT_CODE)
          .dimensions(DIMENSIONS)
          .mode(MeteringMode.SAAS)
          .journalDirectory(directory)
          .clock(clock)
          .submitter(submitter.build())
          .maxCachedCustomers(buyerCount)
          .minFreeDiskBytes(0)
          .build()) {
        for (Buyer buyer : buyers) {
          Customer customer = meter.customer(buyer);
          for (String dimension : DIMENSIONS) {
            if (!customer.dimension(dimension).record(1 + (buyer.hashCode() & 7))) {
              throw new IllegalStateException("record refused");
            }
          }
        }
        long reports = (long) buyerCount * DIMENSIONS.length;
        // Let the drainer read everything while the hour is open, then close it.
        waitUntil(() -> MeterFixture.pendingUnits(meter.status()) > 0 && meter.status().pendingBuyers() == buyerCount,
            Duration.ofMinutes(5));
        long start = System.nanoTime();
        offset.set((hour + 1) * 3_600_000L + 2 * 60_000 - System.currentTimeMillis());
        waitUntil(() -> meter.status().acceptedReports() >= reports, Duration.ofMinutes(30));
        double seconds = (System.nanoTime() - start) / 1e9;
        MeterStatus s = meter.status();
        long calls = endpoint.counters().requests(); // the request-body log keeps only the last 10,000
        double floor = lifted ? 0 : calls / 9.0;
        String line = String.format(Locale.ROOT, "{\"buyers\":%d,\"dimensions\":%d,\"reports\":%d,\"limit\":\"%s\","
                + "\"seconds\":%.2f,\"calls\":%d,\"callsPerSecond\":%.1f,\"floorSeconds\":%.1f,\"toFloor\":%.3f,"
                + "\"accepted\":%d,\"deadLettered\":%d}",
            buyerCount, DIMENSIONS.length, reports, args[1], seconds, calls, calls / seconds, floor,
            lifted ? 0 : seconds / floor, s.acceptedReports(), s.deadLetteredReports());
        System.out.println(line);
        Files.writeString(output, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      BenchDirectories.delete(directory);
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier done, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("timed out after " + timeout);
      }
      Thread.sleep(20);
    }
  }
}
