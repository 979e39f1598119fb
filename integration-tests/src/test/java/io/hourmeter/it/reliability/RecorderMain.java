package io.hourmeter.it.reliability;

import io.hourmeter.Buyer;
import io.hourmeter.Customer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import io.hourmeter.spi.FreeSpaceProbe;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of the end-to-end scenarios: it builds a meter on a journal directory with the real
 * Chronicle storage and the real AWS submitter pointed at the test's local endpoint, records from
 * several threads on the shared accelerated clock, and logs every call (see {@link RecordLog}). The test
 * may SIGKILL it at any moment and start it again on the same directory.
 *
 * <p>Arguments ({@code key=value}): {@code dir}, {@code logs}, {@code run} (incarnation number),
 * {@code mode}, {@code dims} (comma-separated), {@code endpoint}, the {@link SharedClock} arguments,
 * {@code kafka} (bootstrap servers: a fleet host, whose submitter ships partials to Kafka,
 * {@link FleetHarness}, instead of sending to {@code endpoint}),
 * {@code threads}, {@code pauseMicros} (between calls of a thread), {@code recordUntil} (simulated epoch
 * millis), {@code stopFile} (recording stops once it exists), {@code drain} (after recording, wait until
 * nothing is pending, close and exit 0), {@code minFree} (bytes), {@code maxQuantity}; SAAS mode:
 * {@code buyers} (a file of {@linkplain io.hourmeter.Buyer#key() buyer keys}, one a line, most popular
 * first), {@code zipf} (the exponent of the buyers' popularity: a call picks the buyer of rank r with
 * weight 1/r^zipf; 0, the default, is uniform), {@code uniformShare} (this share of calls, 0 by default,
 * picks a buyer uniformly instead, so that even rare buyers record), {@code usageWindowMinutes} (the meter's
 * {@code usageWindow}, to scale the 24-hour BatchMeterUsage window to the simulated hour).
 *
 * <p>In SAAS mode each call records a buyer's dimension, through a {@link Customer} handle that the
 * thread keeps per buyer (one call in eight through {@link Meter#record(Buyer, String, long)}), and
 * logs it under the buyer's key ({@link Keys}).
 *
 * <p>Files in {@code logs}: {@code rec-<run>-<thread>.log}, {@code status-<run>.log} (a
 * {@link StatusLine} every 100 ms, then a last one after close), {@code errors-<run>.log} (one line per
 * ErrorHandler call: kind, message), {@code slow-<run>.log} (record() calls over 20 ms). Standard output: {@code READY run=<run>}, then {@code DRAINED}.
 */
public final class RecorderMain {
  private static final Duration STATUS_EVERY = Duration.ofMillis(100);
  /** Calls slower than this are logged to {@code slow-<run>.log}, with the simulated time. */
  private static final long SLOW_NANOS = 20_000_000;
  /** How long (simulated) the status must show no error before a draining child calls itself drained. */
  private static final long QUIET_MILLIS = Duration.ofMinutes(20).toMillis();

  private RecorderMain() { }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = ChildArgs.parse(argv);
    Path dir = Path.of(args.get("dir"));
    Path logs = Path.of(args.get("logs"));
    String run = args.get("run");
    MeteringMode mode = MeteringMode.valueOf(args.get("mode"));
    String[] dimensions = args.get("dims").split(",");
    SharedClock time = SharedClock.fromArgs(args);
    InstantSource clock = time.clock();
    long recordUntil = Long.parseLong(args.getOrDefault("recordUntil", "0"));
    Path stopFile = args.containsKey("stopFile") ? Path.of(args.get("stopFile")) : null;
    int threads = Integer.parseInt(args.getOrDefault("threads", "0"));
    long pauseMicros = Long.parseLong(args.getOrDefault("pauseMicros", "1000"));
    int maxQuantity = Integer.parseInt(args.getOrDefault("maxQuantity", "9"));
    boolean drain = Boolean.parseBoolean(args.getOrDefault("drain", "false"));
    Files.createDirectories(logs);

    Buyer[] buyers = args.containsKey("buyers")
        ? Files.readAllLines(Path.of(args.get("buyers"))).stream().map(Buyer::fromKey).toArray(Buyer[]::new) : null;
    double[] popularity = buyers == null ? null : cumulativePopularity(buyers.length,
        Double.parseDouble(args.getOrDefault("zipf", "0")), Double.parseDouble(args.getOrDefault("uniformShare", "0")));

    FileOutputStream errors = new FileOutputStream(logs.resolve("errors-" + run + ".log").toFile(), true);
    // kafka=<bootstrap servers>: a fleet host, shipping its partials to Kafka instead of sending.
    io.hourmeter.spi.UsageSubmitter submitter = args.containsKey("kafka")
        ? FleetHarness.fleet(args.get("kafka")).partialSubmitter()
        : ScaledMeter.submitter(URI.create(args.get("endpoint")), clock, mode);
    MeterBuilder builder = ScaledMeter.builder(dir, mode, clock, submitter, dimensions);
    if (args.containsKey("usageWindowMinutes")) {
      builder.usageWindow(Duration.ofMinutes(Long.parseLong(args.get("usageWindowMinutes"))));
    }
    Meter meter = ScaledMeter.build(builder, Long.parseLong(args.getOrDefault("minFree", "0")),
        FreeSpaceProbe.fileSystem(), e -> appendLine(errors, e.kind() + " " + oneLine(e.getMessage())), null);
    System.out.println("READY run=" + run);
    System.out.flush();

    AtomicLong maxRecordNanos = new AtomicLong();
    FileOutputStream slow = new FileOutputStream(logs.resolve("slow-" + run + ".log").toFile(), true);
    List<Thread> recorders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Path log = logs.resolve("rec-" + run + "-" + t + ".log");
      long seed = Long.parseLong(run) * 1_000 + t;
      Runnable calls = buyers == null
          ? () -> record(meter, dimensions, log, clock, recordUntil, stopFile, pauseMicros, maxQuantity, seed,
              maxRecordNanos, slow)
          : () -> recordBuyers(meter, buyers, popularity, dimensions, log, clock, recordUntil, stopFile, pauseMicros,
              maxQuantity, seed, maxRecordNanos, slow);
      Thread recorder = new Thread(calls, "recorder-" + t);
      recorder.start();
      recorders.add(recorder);
    }

    FileOutputStream status = new FileOutputStream(logs.resolve("status-" + run + ".log").toFile(), true);
    // Drained means: recording over, and the hour it ended in closed (1 h 5 min later), and then nothing
    // pending, unsent or failing.
    long drainedAfter = Long.MAX_VALUE;
    while (true) {
      Thread.sleep(STATUS_EVERY.toMillis());
      MeterStatus s = writeStatus(meter, status, maxRecordNanos);
      boolean recording = recorders.stream().anyMatch(Thread::isAlive);
      if (!recording && drainedAfter == Long.MAX_VALUE) {
        drainedAfter = Math.min(clock.millis(), recordUntil) + Duration.ofHours(1).plusMinutes(5).toMillis();
      }
      // s.drainer() and not RECOVERING: this process holds the drainer lock and has rebuilt its state.
      // Holding the lock is not enough: between taking it and the first step's rebuild (a ledger load and
      // a journal read, which take seconds on a busy machine) status shows nothing pending whatever the
      // ledger holds, and a drain child that trusted it exited before sending anything.
      // And no error for 20 simulated minutes: a drainer whose steps keep failing shows nothing pending.
      if (drain && !recording && s != null && s.drainer() && s.sending() != MeterStatus.Sending.RECOVERING
          && clock.millis() > drainedAfter
          && StatusLine.pendingByDimension(s).values().stream().allMatch(q -> q == 0)
          && s.oldestUnsentHour() == null
          && (s.lastErrorAt() == null || s.lastErrorAt().toEpochMilli() < clock.millis() - QUIET_MILLIS)) {
        break;
      }
    }
    meter.close();
    appendLine(status, "FINAL " + StatusLine.format(meter.status(), maxRecordNanos.get() / 1_000));
    System.out.println("DRAINED");
    System.out.flush();
    System.exit(0);
  }

  private static void record(Meter meter, String[] dimensions, Path logFile, InstantSource clock, long recordUntil,
      Path stopFile, long pauseMicros, int maxQuantity, long seed, AtomicLong maxRecordNanos, FileOutputStream slow) {
    SplittableRandom random = new SplittableRandom(seed);
    Dimension[] handles = new Dimension[dimensions.length];
    for (int i = 0; i < dimensions.length; i++) {
      handles[i] = meter.dimension(dimensions[i]);
    }
    try (RecordLog log = new RecordLog(logFile)) {
      long calls = 0;
      while (clock.millis() < recordUntil && (stopFile == null || calls++ % 64 != 0 || !Files.exists(stopFile))) {
        Dimension dimension = handles[random.nextInt(handles.length)];
        long quantity = 1 + random.nextInt(maxQuantity);
        long seq = log.intent(dimension.name(), quantity);
        long start = System.nanoTime();
        boolean journaled = dimension.record(quantity);
        finishCall(log, seq, journaled, System.nanoTime() - start, maxRecordNanos, slow, clock, pauseMicros);
      }
    }
  }

  /**
   * SAAS: as {@link #record}, each call for a buyer drawn by {@code popularity} (cumulative weights) and
   * a dimension drawn uniformly. Handles are made on a buyer's first call in this thread and kept.
   */
  private static void recordBuyers(Meter meter, Buyer[] buyers, double[] popularity, String[] dimensions,
      Path logFile, InstantSource clock, long recordUntil, Path stopFile, long pauseMicros, int maxQuantity,
      long seed, AtomicLong maxRecordNanos, FileOutputStream slow) {
    SplittableRandom random = new SplittableRandom(seed);
    Dimension[][] handles = new Dimension[buyers.length][];
    try (RecordLog log = new RecordLog(logFile)) {
      long calls = 0;
      while (clock.millis() < recordUntil && (stopFile == null || calls % 64 != 0 || !Files.exists(stopFile))) {
        calls++;
        int b = pick(popularity, random.nextDouble());
        int d = random.nextInt(dimensions.length);
        long quantity = 1 + random.nextInt(maxQuantity);
        boolean byName = random.nextInt(8) == 0;
        long seq = log.intent(Keys.of(buyers[b], dimensions[d]), quantity);
        long start = System.nanoTime();
        boolean journaled;
        if (byName) {
          journaled = meter.record(buyers[b], dimensions[d], quantity);
        } else {
          if (handles[b] == null) {
            handles[b] = new Dimension[dimensions.length];
          }
          if (handles[b][d] == null) {
            handles[b][d] = meter.customer(buyers[b]).dimension(dimensions[d]);
          }
          journaled = handles[b][d].record(quantity);
        }
        finishCall(log, seq, journaled, System.nanoTime() - start, maxRecordNanos, slow, clock, pauseMicros);
      }
    }
  }

  /**
   * Cumulative probabilities of ranks 1..n, ending at 1: {@code uniformShare / n} plus
   * {@code (1 - uniformShare)} times the Zipf weight 1/r^exponent, normalised.
   */
  static double[] cumulativePopularity(int n, double exponent, double uniformShare) {
    double[] zipf = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      zipf[r] = 1 / Math.pow(r + 1, exponent);
      sum += zipf[r];
    }
    double[] cumulative = new double[n];
    double running = 0;
    for (int r = 0; r < n; r++) {
      running += uniformShare / n + (1 - uniformShare) * zipf[r] / sum;
      cumulative[r] = running;
    }
    cumulative[n - 1] = 1.0;
    return cumulative;
  }

  /** The first rank whose cumulative weight exceeds {@code u} (0 <= u < 1). */
  static int pick(double[] cumulative, double u) {
    int at = java.util.Arrays.binarySearch(cumulative, u);
    return Math.min(cumulative.length - 1, at >= 0 ? at + 1 : -at - 1);
  }

  /** Logs a call's outcome and its time (slow calls to {@code slow}), then pauses the thread. */
  private static void finishCall(RecordLog log, long seq, boolean journaled, long took, AtomicLong maxRecordNanos,
      FileOutputStream slow, InstantSource clock, long pauseMicros) {
    log.outcome(seq, journaled);
    maxRecordNanos.accumulateAndGet(took, Math::max);
    if (took > SLOW_NANOS) {
      appendLine(slow, clock.millis() + " " + took / 1_000 + "us " + Thread.currentThread().getName()
          + (seq == 1 ? " first-call" : ""));
    }
    if (pauseMicros > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(pauseMicros * 1_000);
    }
  }

  private static MeterStatus writeStatus(Meter meter, FileOutputStream out, AtomicLong maxRecordNanos) {
    try {
      MeterStatus s = meter.status();
      appendLine(out, StatusLine.format(s, maxRecordNanos.get() / 1_000));
      return s;
    } catch (RuntimeException e) {
      appendLine(out, "X status failed: " + oneLine(String.valueOf(e)));
      return null;
    }
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
  }

  /** Appends {@code line} and a newline; a failed write goes to standard error, never up (children log this way). */
  static void appendLine(FileOutputStream out, String line) {
    synchronized (out) {
      try {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        System.err.println("cannot write " + line + ": " + e);
      }
    }
  }
}
