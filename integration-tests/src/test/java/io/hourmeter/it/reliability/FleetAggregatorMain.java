package io.hourmeter.it.reliability;

import io.hourmeter.MeteringMode;
import io.hourmeter.kafka.AggregatorStatus;
import io.hourmeter.kafka.FleetAggregator;
import io.hourmeter.kafka.FleetSender;
import io.hourmeter.kafka.KafkaFleet;
import io.hourmeter.kafka.SenderStatus;
import java.io.FileOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child JVM of the fleet scenarios that runs the aggregator and the sender of {@link FleetHarness}'s
 * fleet, on the shared accelerated clock, the sender reporting to the test's local endpoint with
 * {@link ScaledMeter}'s BatchMeterUsage submitter (the real AWS SDK client). The test SIGKILLs it at
 * any moment and starts it again on the same state and ledger directories.
 *
 * <p>Arguments ({@code key=value}): {@code kafka} (bootstrap servers), {@code endpoint}, the
 * {@link SharedClock} arguments, {@code state} (the Streams state directory), {@code ledger} (the
 * sender's), {@code logs}, {@code run}, {@code graceMinutes} (the fleet grace, simulated).
 *
 * <p>Files in {@code logs}: {@code agg-status-<run>.log}, a {@link #format status line} every 100 ms;
 * {@code agg-errors-<run>.log}, one line per ErrorHandler call. Standard output: {@code READY run=<run>}
 * once both are started.
 */
public final class FleetAggregatorMain {
  private static final Duration STATUS_EVERY = Duration.ofMillis(100);

  private FleetAggregatorMain() { }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = ChildArgs.parse(argv);
    InstantSource clock = SharedClock.fromArgs(args).clock();
    Path logs = Files.createDirectories(Path.of(args.get("logs")));
    String run = args.get("run");
    KafkaFleet fleet = FleetHarness.fleet(args.get("kafka"));
    FileOutputStream errors = new FileOutputStream(logs.resolve("agg-errors-" + run + ".log").toFile(), true);
    FleetAggregator aggregator = FleetAggregator.builder(fleet)
        .stateDirectory(Path.of(args.get("state")))
        .clock(clock)
        .grace(Duration.ofMinutes(Long.parseLong(args.getOrDefault("graceMinutes", "10"))))
        // Real time: a simulated hour is a few seconds, so closes are checked often.
        .punctuateEvery(Duration.ofMillis(100))
        .streamsProperty("commit.interval.ms", "100")
        .streamsProperty("session.timeout.ms", Long.toString(FleetHarness.SESSION_TIMEOUT.toMillis()))
        .streamsProperty("heartbeat.interval.ms", "500")
        .start();
    FleetSender sender = FleetSender.builder(fleet)
        .ledgerDirectory(Path.of(args.get("ledger")))
        .clock(clock)
        .submitter(ScaledMeter.submitter(URI.create(args.get("endpoint")), clock, MeteringMode.SAAS))
        .errorHandler(e -> RecorderMain.appendLine(errors, e.kind() + " " + String.valueOf(e.getMessage()).replace('\n', ' ')))
        .build()
        .start();
    System.out.println("READY run=" + run);
    System.out.flush();
    FileOutputStream status = new FileOutputStream(logs.resolve("agg-status-" + run + ".log").toFile(), true);
    while (true) {
      Thread.sleep(STATUS_EVERY.toMillis());
      try {
        RecorderMain.appendLine(status, format(aggregator.status(), sender.status()));
      } catch (RuntimeException e) {
        RecorderMain.appendLine(status, "X status failed: " + e);
      }
    }
  }

  /**
   * One line of {@code key=value} words: the aggregator's figures summed over the partitions this
   * instance runs, and the sender's; {@code end=1} last, so a line cut by SIGKILL is known.
   */
  static String format(AggregatorStatus a, SenderStatus s) {
    long openKeys = 0;
    long duplicates = 0;
    long earliestOpen = Long.MAX_VALUE;
    for (AggregatorStatus.PartitionStatus p : a.partitions()) {
      openKeys += p.openKeysByHour().values().stream().mapToLong(Long::longValue).sum();
      duplicates += p.duplicatesDropped();
      if (!p.openKeysByHour().isEmpty()) {
        earliestOpen = Math.min(earliestOpen, p.openKeysByHour().firstKey().toEpochMilli());
      }
    }
    Map<String, Object> words = new LinkedHashMap<>();
    words.put("at", a.at().toEpochMilli());
    words.put("state", a.state());
    words.put("partitions", a.partitions().size());
    words.put("openKeys", openKeys);
    words.put("earliestOpen", earliestOpen == Long.MAX_VALUE ? -1 : earliestOpen);
    words.put("lag", a.consumerLag());
    words.put("duplicatesDropped", duplicates);
    words.put("lateCarried", a.latePartialsCarried());
    words.put("finalsEmitted", a.finalsEmitted());
    words.put("senderActive", s.active());
    words.put("finalsPending", s.finalsPending());
    words.put("finalsLag", s.finalsLag());
    words.put("carriesWaiting", s.carriesWaiting());
    words.put("acceptedReports", s.acceptedReports());
    words.put("acceptedUnits", s.acceptedUnits());
    words.put("carriedUnits", s.carriedUnits());
    words.put("deadLetteredUnits", s.deadLetteredUnits());
    words.put("sending", s.sending());
    words.put("end", 1);
    StringBuilder line = new StringBuilder("A");
    words.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    return line.toString();
  }

  /** Parses a line {@link #format} wrote; {@code null} for anything else or a cut line. */
  static Map<String, String> parse(String line) {
    if (!line.startsWith("A ") || !line.endsWith(" end=1")) {
      return null;
    }
    return StatusLine.words(line.substring(2));
  }
}
