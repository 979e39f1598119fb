package io.hourmeter.samples.demo;

import io.hourmeter.Buyer;
import io.hourmeter.Customer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import io.hourmeter.ShutdownPolicy;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageSubmitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The demo's application process: a meter on the demo's journal and a few application threads that
 * record usage until the recording phase ends, then a wait until every hour is reported. In SaaS mode
 * the meter meters buyers (BatchMeterUsage): the threads record per buyer on {@link Customer} handles,
 * and some records go through {@link Meter#record(Buyer, String, long)}. It prints
 * {@code progress key=value...} lines that the demo turns into its status line. The demo runs it as a
 * child JVM so that it can kill it with SIGKILL and start it again on the same journal.
 *
 * <p>Arguments: see {@link WorkerArgs}.
 */
public final class DemoWorker {
  private static final Duration PROGRESS_EVERY = Duration.ofMillis(250);
  /** SaaS mode: one record in this many is made by name rather than on a handle. */
  private static final int BY_NAME_EVERY = 10;

  private final WorkerArgs args;
  private final InstantSource clock;
  private final PrintStream out;
  private final LongAdder records = new LongAdder();
  /** The usage keys recorded under, in {@link AppCounters} slot order. */
  private final List<UsageKey> keys;
  private volatile boolean stopRecording;
  /** When application threads start and stop recording, on the meter's clock; known once started. */
  private volatile Instant recordFrom;
  private volatile Instant recordUntil;

  private DemoWorker(WorkerArgs args, PrintStream out) throws IOException {
    this.args = args;
    this.out = out;
    this.keys = args.keys();
    if (args.aws()) {
      this.clock = InstantSource.system();
    } else {
      this.clock = new StartableClock(args.simulatedOrigin(), args.factor());
    }
    if (args.realOrigin() != null) {
      start(args.realOrigin()); // a restarted process joins the running demo
    }
  }

  public static void main(String[] argv) throws Exception {
    WorkerArgs args = WorkerArgs.parse(argv);
    System.exit(new DemoWorker(args, System.out).run());
  }

  private int run() throws InterruptedException, IOException {
    try (AppCounters counters = AppCounters.open(args.countersFile(), args.threads(), keys.size());
         Meter meter = buildMeter()) {
      // Handles are looked up once, before recording starts; in SaaS mode that registers new buyers.
      List<Dimension> handles = handles(meter);
      out.println("ready uptime=" + ManagementFactory.getRuntimeMXBean().getUptime());
      out.flush();
      awaitClockStart();
      List<Thread> threads = startApplicationThreads(meter, handles, counters);
      waitForRecordingEnd(meter);
      stopRecording = true;
      for (Thread thread : threads) {
        thread.join();
      }
      Instant stoppedAt = clock.instant(); // no record can be in a later hour than this one
      boolean drained = args.aws() ? waitUntilOnlyTheOpenHourIsUnsent(meter) : waitUntilDrained(meter, counters, stoppedAt);
      printProgress(meter.status());
      out.println("done drained=" + drained);
      out.flush();
      return drained ? 0 : 1;
    }
  }

  private Meter buildMeter() {
    MeterBuilder builder = Meter.builder()
        .productCode(args.productCode())
        .dimensions(args.dimensions().toArray(String[]::new))
        .journalDirectory(args.journal())
        .submitter(submitter())
        .clock(clock);
    if (args.saas()) {
      builder.mode(MeteringMode.SAAS);
    }
    if (args.aws()) {
      // Real time: the defaults hold, and the partial hour is reported at close so the demo ends.
      return builder.shutdownPolicy(ShutdownPolicy.REPORT_PARTIAL_HOUR)
          .closeTimeout(Duration.ofSeconds(30))
          .sendJitter(Duration.ZERO) // one instance: nothing to spread, and close() sends at once
          .checkPermissionAtStart(true)
          .build();
    }
    // An hour lasts seconds here, so the grace and the jitter shrink with it (in simulated time).
    return builder.hourGrace(hourGrace()).sendJitter(sendJitter()).build();
  }

  /** Local mode: 0.6 s of real time, within the builder's range, so that boundary appends land. */
  private Duration hourGrace() {
    return clamp(simulated(Duration.ofMillis(600)), Duration.ofMinutes(1), Duration.ofMinutes(30));
  }

  /** Local mode: 0.1 s of real time; one process needs no spreading over the quota. */
  private Duration sendJitter() {
    return clamp(simulated(Duration.ofMillis(100)), Duration.ZERO, Duration.ofMinutes(10));
  }

  private UsageSubmitter submitter() {
    if (args.aws()) {
      var builder = AwsUsageSubmitter.builder();
      if (args.region() != null) {
        builder.region(Region.of(args.region()));
      }
      if (args.endpoint() != null) {
        builder.endpointOverride(args.endpoint());
      }
      return builder.build();
    }
    if (args.kafka() != null) {
      return FleetDemo.fleet(args.kafka()).partialSubmitter(); // a fleet host: partials to Kafka
    }
    var local = AwsUsageSubmitter.builder();
    if (args.saas()) {
      local.batchMeterUsage();
    }
    return local
        .endpointOverride(args.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("demo", "demo")))
        .build();
  }

  /**
   * One handle per usage key, looked up once: the dimensions' handles, or in SaaS mode each buyer's
   * {@link Customer} handle's dimension handles.
   */
  private List<Dimension> handles(Meter meter) {
    List<Dimension> handles = new ArrayList<>(keys.size());
    Customer customer = null;
    for (UsageKey key : keys) {
      if (key.buyer() == null) {
        handles.add(meter.dimension(key.dimension()));
        continue;
      }
      if (customer == null || !customer.buyer().equals(key.buyer())) {
        customer = meter.customer(key.buyer());
      }
      handles.add(customer.dimension(key.dimension()));
    }
    return handles;
  }

  private List<Thread> startApplicationThreads(Meter meter, List<Dimension> handles, AppCounters counters) {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < args.threads(); t++) {
      int thread = t;
      Thread worker = new Thread(() -> recordUntilStopped(thread, meter, handles, counters), "app-" + t);
      worker.start();
      threads.add(worker);
    }
    return threads;
  }

  /**
   * One application thread: small units of usage, spread over the keys (dimensions, or buyers'
   * dimensions), at a modest rate. In SaaS mode one record in {@link #BY_NAME_EVERY} goes through
   * {@link Meter#record(Buyer, String, long)}, as code that has no handle at hand would record.
   */
  private void recordUntilStopped(int thread, Meter meter, List<Dimension> handles, AppCounters counters) {
    while (!stopRecording && clock.instant().isBefore(recordFrom)) {
      sleepQuietly(5); // the first simulated hour has not begun
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int dimensions = args.dimensions().size();
    long n = 0;
    Instant stopAt = stopAt();
    while (!stopRecording && clock.instant().isBefore(stopAt)) {
      int k = random.nextInt(handles.size());
      long units = 1 + random.nextInt(k % dimensions == 0 ? 1 : 5);
      counters.attempted(thread, k, units);
      UsageKey key = keys.get(k);
      boolean journaled = key.buyer() != null && n % BY_NAME_EVERY == 0
          ? meter.record(key.buyer(), key.dimension(), units)
          : handles.get(k).record(units);
      if (journaled) {
        counters.acknowledged(thread, k, units);
        records.increment();
      }
      n++;
      if (args.recordsPerSecond() > 0) {
        sleepQuietly(Math.max(1, Math.round(1000 * args.threads() / args.recordsPerSecond())));
      } else if (n % 20 == 0) {
        sleepQuietly(1);
      }
    }
  }

  /**
   * The first process of a demo, once ready, waits for the demo to say when recording starts:
   * "start <instant>".
   */
  private void awaitClockStart() throws IOException {
    if (recordFrom != null) {
      return;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    if (line == null || !line.startsWith("start ")) {
      throw new IllegalStateException("expected 'start <instant>' from the demo but got " + line);
    }
    start(Instant.parse(line.substring("start ".length()).strip()));
  }

  /**
   * Fixes the recording window. Locally the simulated clock starts (its origin is reached at
   * {@code realOrigin}) and the window is the simulated hours. Against AWS the clock is the real one
   * and the window, as long as asked, starts at {@code realOrigin}.
   */
  private void start(Instant realOrigin) {
    if (clock instanceof StartableClock demoClock) {
      demoClock.start(realOrigin);
      recordFrom = args.simulatedOrigin();
      recordUntil = args.recordUntil();
    } else {
      recordFrom = realOrigin;
      recordUntil = realOrigin.plus(Duration.between(args.simulatedOrigin(), args.recordUntil()));
    }
  }

  /** A little before the last hour ends, so that no append lands in the hour after it. */
  private Instant stopAt() {
    return recordUntil.minus(simulated(Duration.ofMillis(150)));
  }

  private void waitForRecordingEnd(Meter meter) throws InterruptedException {
    Instant stopAt = stopAt();
    while (clock.instant().isBefore(stopAt)) {
      printProgress(meter.status());
      Thread.sleep(PROGRESS_EVERY.toMillis());
    }
  }

  /**
   * Waits until the hour of the last record has closed (its end, the grace and the jitter have passed)
   * and every hour is accepted, carried or dead-lettered: nothing is pending, and AWS accepted (or
   * dead-lettered) at least every unit the application saw acknowledged. In SaaS mode the usage of
   * buyers AWS refused stays pending in quarantine (one report is probed every half hour), so there it
   * waits until AWS accepted at least every acknowledged unit of the buyers not quarantined, and the
   * drainer has seen every acknowledged unit, on two status snapshots in a row without a new acceptance.
   */
  private boolean waitUntilDrained(Meter meter, AppCounters counters, Instant stoppedAt) throws InterruptedException {
    long deadline = System.nanoTime() + args.drainTimeout().toNanos();
    Instant lastHourDue = stoppedAt.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))
        .plus(hourGrace()).plus(sendJitter());
    long acknowledged = 0;
    for (int k = 0; k < keys.size(); k++) {
      acknowledged += counters.acknowledged(k);
    }
    long acceptedBefore = -1;
    while (System.nanoTime() < deadline) {
      MeterStatus status = meter.status();
      printProgress(status);
      boolean due = clock.instant().isAfter(lastHourDue) && status.sending() != MeterStatus.Sending.RECOVERING;
      if (!args.saas() && due && status.oldestUnsentHour() == null && pendingUnits(status) == 0
          && status.acceptedUnits() + status.deadLetteredUnits() >= acknowledged) {
        return true;
      }
      if (args.saas() && due && status.acceptedUnits() >= acknowledgedOfBilledBuyers(status, counters)
          && status.acceptedUnits() + status.deadLetteredUnits() + pendingUnits(status) >= acknowledged) {
        if (status.acceptedReports() == acceptedBefore) {
          return true;
        }
        acceptedBefore = status.acceptedReports();
      } else {
        acceptedBefore = -1;
      }
      Thread.sleep(PROGRESS_EVERY.toMillis());
    }
    return false;
  }

  /** SaaS: the units the application saw acknowledged for buyers the meter has not quarantined. */
  private long acknowledgedOfBilledBuyers(MeterStatus status, AppCounters counters) {
    long units = 0;
    for (int k = 0; k < keys.size(); k++) {
      if (!status.quarantinedBuyers().contains(keys.get(k).buyer().key())) {
        units += counters.acknowledged(k);
      }
    }
    return units;
  }

  /**
   * AWS mode: waits (bounded) until every closed hour is reported, so that what is left for close() to
   * report (the shutdown policy sends the partial hour) is only the hour in progress.
   */
  private boolean waitUntilOnlyTheOpenHourIsUnsent(Meter meter) throws InterruptedException {
    long deadline = System.nanoTime() + args.drainTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      MeterStatus status = meter.status();
      printProgress(status);
      Instant currentHour = clock.instant().truncatedTo(ChronoUnit.HOURS);
      if (status.oldestUnsentHour() == null || !status.oldestUnsentHour().isBefore(currentHour)) {
        return true;
      }
      Thread.sleep(PROGRESS_EVERY.toMillis());
    }
    return false;
  }

  private void printProgress(MeterStatus status) {
    out.println("progress sim=" + clock.millis()
        + " records=" + records.sum()
        + " pending=" + pendingUnits(status)
        + " accepted=" + status.acceptedReports()
        + " carried=" + status.carriedUnits()
        + " failures=" + status.consecutiveFailures()
        + " sending=" + status.sending()
        + (args.saas() ? " pendingBuyers=" + status.pendingBuyers()
            + " quarantinedBuyers=" + status.quarantinedBuyers().size() : ""));
    out.flush();
  }

  static long pendingUnits(MeterStatus status) {
    long total = 0;
    for (Map<String, Long> byDimension : status.pendingUnitsByHour().values()) {
      for (long units : byDimension.values()) {
        total += units;
      }
    }
    return total;
  }

  /** The time on the meter's clock that passes in {@code real} time. */
  private Duration simulated(Duration real) {
    return Duration.ofMillis(Math.round(real.toMillis() * args.factor()));
  }

  private static Duration clamp(Duration value, Duration min, Duration max) {
    return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
