package io.hourmeter.it.drain;

import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.local.AcceleratedClock;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.SplittableRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A process of the drainer crash tests: a meter on the shared journal directory, on an accelerated
 * clock shared with the test through its start points, sending with the real AWS SDK submitter to the
 * test's local Metering endpoint. It records random usage and logs each call to its log: {@code B seq
 * dim qty} before {@code record()} and {@code A seq ok} once it returned, so the test knows what was
 * recorded. It also logs {@code D true|false} whenever it gains or loses the drainer role. It runs
 * until killed, or until the file {@code stop} appears in the journal's parent, then closes cleanly.
 *
 * <p>Args: journal endpoint simulatedStartMillis baseStartMillis speedUp log seed mode record(true|false)
 */
public final class DrainChild {
  static final String PRODUCT = "prod-drain-crash";
  static final String[] DIMENSIONS = {"users", "requests"};

  private DrainChild() { }

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[0]);
    URI endpoint = URI.create(args[1]);
    InstantSource clock = AcceleratedClock.of(InstantSource.system(), Instant.ofEpochMilli(Long.parseLong(args[2])),
        Instant.ofEpochMilli(Long.parseLong(args[3])), Double.parseDouble(args[4]));
    Path log = Path.of(args[5]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[6]));
    MeteringMode mode = MeteringMode.valueOf(args[7]);
    boolean record = Boolean.parseBoolean(args[8]);
    Path stop = journal.getParent().resolve("stop");
    long startedAt = System.nanoTime();

    AwsUsageSubmitter submitter = AwsUsageSubmitter.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDDRAIN", "secret")))
        .connectTimeout(Duration.ofSeconds(1))
        .readTimeout(Duration.ofSeconds(2))
        .apiCallTimeout(Duration.ofSeconds(3))
        .rateLimit(50, Duration.ofSeconds(1))
        .backoff(Duration.ofMillis(20), 2.0, 0.5, Duration.ofMillis(500))
        .build();
    Meter meter = Meter.builder()
        .productCode(PRODUCT)
        .dimensions(DIMENSIONS)
        .journalDirectory(journal)
        .mode(mode)
        .clock(clock)
        .submitter(submitter)
        .hourGrace(Duration.ofMinutes(2))
        .sendJitter(Duration.ofMinutes(1))
        .deadlineMargin(Duration.ofMinutes(30))
        .retention(Duration.ofDays(366))
        .closeTimeout(Duration.ofSeconds(3))
        .agentCoreCutInterval(Duration.ofMinutes(5))
        .build();
    System.out.println("built in " + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
    try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
      boolean drainer = false;
      boolean bigFirst = random.nextInt(4) == 0;
      long seq = 0;
      while (!Files.exists(stop)) {
        boolean now = meter.status().drainer();
        if (now != drainer) {
          drainer = now;
          write(out, "D " + now + "\n");
        }
        if (!record) {
          Thread.sleep(5);
          continue;
        }
        String dimension = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
        // Now and then one child's first record is big enough that its hour passes 2,147,483,647 and is
        // carried; not more often, since an hour carries at most that much forward.
        long quantity = seq == 0 && bigFirst ? 2_200_000_000L : 1 + random.nextInt(1_000);
        seq++;
        write(out, "B " + seq + " " + dimension + " " + quantity + "\n");
        boolean ok = meter.record(dimension, quantity);
        write(out, "A " + seq + " " + ok + "\n");
        Thread.sleep(1 + random.nextInt(3));
      }
    }
    meter.close();
    submitter.close();
  }

  private static void write(FileOutputStream out, String line) throws IOException {
    out.write(line.getBytes(StandardCharsets.US_ASCII));
  }
}
