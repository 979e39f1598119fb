package io.hourmeter.it.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.MeteringMode;
import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.journal.ChronicleStorageProvider;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.AcceleratedClock;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.ChildJvm;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The world of a drainer crash test: a local Metering endpoint (which dedupes exactly as AWS does and
 * lives outside the children), an accelerated clock the children share, a journal directory, child
 * JVMs with their logs, and the final reconciliation. Not thread-safe.
 */
final class CrashRig implements AutoCloseable {
  /** One simulated hour passes in six real seconds. */
  static final double SPEED_UP = 600;
  private static final Pattern DIMENSION = Pattern.compile("\"UsageDimension\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern QUANTITY = Pattern.compile("\"UsageQuantity\"\\s*:\\s*(\\d+)");
  private static final Pattern TIMESTAMP = Pattern.compile("\"Timestamp\"\\s*:\\s*([0-9.Ee+-]+)");
  private static final Pattern TOKEN = Pattern.compile("\"ClientToken\"\\s*:\\s*\"([^\"]+)\"");

  final Path root;
  final Path journal;
  final MeteringMode mode;
  final Instant simulatedStart = Instant.ofEpochSecond(490_000L * 3600);
  final Instant baseStart = Instant.now();
  final AcceleratedClock clock = AcceleratedClock.of(InstantSource.system(), simulatedStart, baseStart, SPEED_UP);
  final LocalMeteringEndpoint endpoint;
  private final List<Path> logs = new ArrayList<>();
  private final List<ChildJvm> children = new ArrayList<>();
  private int started;

  CrashRig(Path root, MeteringMode mode) throws IOException {
    this.root = Files.createDirectories(root);
    this.journal = root.resolve("journal");
    this.mode = mode;
    this.endpoint = LocalMeteringEndpoint.builder().product(DrainChild.PRODUCT, DrainChild.DIMENSIONS).clock(clock)
        .build().start();
  }

  /** Starts a child; {@code haltAt} is a CrashPoints spec ({@code point:n}) or {@code null}. */
  ChildJvm start(String haltAt, boolean record, long seed) throws IOException {
    int n = ++started;
    Path log = root.resolve("child-" + n + ".log");
    logs.add(log);
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    options.add("-XX:TieredStopAtLevel=1");
    if (haltAt != null) {
      options.add("-Dhourmeter.test.haltAt=" + haltAt);
    }
    ChildJvm child = ChildJvm.start(options, DrainChild.class, root.resolve("child-" + n + ".out"),
        journal.toString(), endpoint.uri().toString(), Long.toString(simulatedStart.toEpochMilli()),
        Long.toString(baseStart.toEpochMilli()), Double.toString(SPEED_UP), log.toString(), Long.toString(seed),
        mode.name(), Boolean.toString(record));
    children.add(child);
    return child;
  }

  /** Waits until child {@code n} has recorded once (its JVM, journal and submitter are up), or it died. */
  void awaitRecording(int n, ChildJvm child, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path log = logs.get(n - 1);
    while (System.nanoTime() < deadline && child.isAlive()) {
      if (Files.exists(log) && Files.size(log) > 0 && Files.readString(log).contains("\nA ")) {
        return;
      }
      Thread.sleep(20);
    }
  }

  ChildLog log(int child) throws IOException {
    return ChildLog.read(logs.get(child - 1));
  }

  int started() {
    return started;
  }

  /** How many children halted at a named crash point (they print HALT before halting). */
  int halts() throws IOException {
    int halts = 0;
    for (int n = 1; n <= started; n++) {
      Path out = root.resolve("child-" + n + ".out");
      if (Files.exists(out) && Files.readString(out).contains("HALT ")) {
        halts++;
      }
    }
    return halts;
  }

  /** The named crash points children halted at (each prints {@code HALT <point>} first). */
  Set<String> haltPoints() throws IOException {
    Set<String> points = new HashSet<>();
    for (int n = 1; n <= started; n++) {
      Path out = root.resolve("child-" + n + ".out");
      if (Files.exists(out)) {
        Matcher m = Pattern.compile("HALT (\\S+)").matcher(Files.readString(out));
        while (m.find()) {
          points.add(m.group(1));
        }
      }
    }
    return points;
  }

  /**
   * Runs a non-recording child until every journal record is accounted for and every report is final,
   * then stops it cleanly.
   */
  void drainToTheEnd(Duration timeout) throws Exception {
    ChildJvm last = start(null, false, 0);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean done = false;
    while (!done && System.nanoTime() < deadline) {
      Thread.sleep(300);
      done = drained();
    }
    Files.writeString(root.resolve("stop"), "stop");
    assertThat(last.awaitExit(Duration.ofSeconds(30))).as("the last child closes cleanly").isZero();
    assertThat(done).as("everything drained within " + timeout + "; see " + root + "; last: " + describe()).isTrue();
  }

  private String describe() {
    try (JournalInspection inspection = JournalInspection.open(journal, new ChronicleStorageProvider())) {
      return inspection.summary() + " unsettled " + inspection.reports().stream()
          .filter(v -> !v.report().state().isFinal()).map(v -> v.report().toString()).toList();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private boolean drained() {
    try (JournalInspection inspection = JournalInspection.open(journal, new ChronicleStorageProvider())) {
      JournalInspection.Summary summary = inspection.summary();
      boolean settled = summary.reportsByState().getOrDefault(ReportState.FROZEN, 0) == 0
          && summary.reportsByState().getOrDefault(ReportState.IN_FLIGHT, 0) == 0
          && summary.carryPool().isEmpty() && summary.mode() != null
          && inspection.checkpointedOpenSums().isEmpty();
      return settled && nothingAfter(summary.checkpoint());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private boolean nothingAfter(long checkpoint) {
    try (UsageJournal j = new ChronicleStorageProvider().openJournal(
        new JournalSettings(journal, InstantSource.fixed(Instant.EPOCH), 0, d -> Long.MAX_VALUE))) {
      long from = checkpoint;
      JournalReader reader;
      try {
        reader = j.reader(from);
      } catch (RuntimeException noCycleAtCheckpoint) {
        Long later = j.hours().stream().map(j::firstPositionOfHour).filter(p -> p >= checkpoint).findFirst().orElse(null);
        if (later == null) {
          return true;
        }
        reader = j.reader(later);
      }
      try (JournalReader r = reader) {
        return r.read((p, h, d, c, q, t) -> { }, 1) == 0;
      }
    }
  }

  /**
   * Checks, per dimension: accepted by the endpoint (carried units included in later reports) plus
   * dead-lettered equals what the journal holds, which lies between what the children's logs say
   * returned and that plus the calls a kill cut short; and that no (dimension, hour) or ClientToken
   * was ever sent with two different quantities.
   */
  void reconcile() throws IOException {
    Map<String, Long> recorded = new TreeMap<>();
    Map<String, Long> ambiguous = new TreeMap<>();
    for (int n = 1; n <= started; n++) {
      ChildLog log = log(n);
      log.recorded().forEach((d, q) -> recorded.merge(d, q, Long::sum));
      log.ambiguous().forEach((d, q) -> ambiguous.merge(d, q, Long::sum));
    }
    Map<String, BigInteger> journaled = new TreeMap<>();
    Map<String, BigInteger> deadLettered = new TreeMap<>();
    List<UsageReport> reports;
    try (JournalInspection inspection = JournalInspection.open(journal, new ChronicleStorageProvider())) {
      inspection.verify().forEach(c -> journaled.merge(c.dimension(), c.journalUnits(), BigInteger::add));
      assertThat(inspection.verify()).as("every frozen hour's sum matches the journal").allMatch(JournalInspection.HourCheck::matches);
      reports = inspection.reports().stream().map(JournalInspection.ReportView::report).toList();
    }
    List<AcceptedRecord> records = endpoint.accepted();
    int unknownButBilled = 0;
    for (UsageReport r : reports) {
      assertThat(r.state().isFinal()).as("report " + r.id() + " is final").isTrue();
      if (r.state() == ReportState.DEAD_LETTERED) {
        assertThat(r.reason()).as("dead letter " + r.id()).doesNotStartWith("DuplicateRequest")
            .doesNotStartWith("IdempotencyConflict");
        if (r.outcomeUnknown() && records.stream().anyMatch(a -> sameRequest(a, r))) {
          // Dead-lettered because AWS may have recorded it, and it had: the operator's check finds it
          // billed, so it counts once, as accepted.
          assertThat(r.reason()).startsWith("OUTCOME_UNKNOWN");
          unknownButBilled++;
          continue;
        }
        deadLettered.merge(r.dimension(), BigInteger.valueOf(r.quantity()), BigInteger::add);
      }
    }
    Map<String, BigInteger> accepted = new TreeMap<>();
    for (AcceptedRecord a : records) {
      accepted.merge(a.dimension(), BigInteger.valueOf(a.quantity()), BigInteger::add);
    }
    System.out.println(mode + ": dead letters with an unknown outcome that the endpoint had recorded: "
        + unknownButBilled);
    System.out.printf("%s: recorded %s, ambiguous %s, journaled %s, accepted %s, dead-lettered %s, children %d, "
        + "halts %d, requests %s%n", mode, recorded, ambiguous, journaled, accepted, deadLettered, started, halts(),
        endpoint.counters());
    for (String dimension : DrainChild.DIMENSIONS) {
      BigInteger inJournal = journaled.getOrDefault(dimension, BigInteger.ZERO);
      BigInteger logged = BigInteger.valueOf(recorded.getOrDefault(dimension, 0L));
      assertThat(inJournal).as(dimension + ": the journal holds every unit whose record() returned")
          .isBetween(logged, logged.add(BigInteger.valueOf(ambiguous.getOrDefault(dimension, 0L))));
      assertThat(accepted.getOrDefault(dimension, BigInteger.ZERO).add(deadLettered.getOrDefault(dimension, BigInteger.ZERO)))
          .as(dimension + ": accepted (carried included) + dead-lettered == recorded").isEqualTo(inJournal);
    }
    assertThat(recorded.values().stream().mapToLong(Long::longValue).sum()).as("units recorded").isPositive();
    checkOneQuantityPerKey();
  }

  private static boolean sameRequest(AcceptedRecord a, UsageReport r) {
    boolean sameTime = r.clientToken() == null
        ? Math.floorDiv(a.timestamp().getEpochSecond(), 3600) == Math.floorDiv(r.timestamp().getEpochSecond(), 3600)
        : a.timestamp().equals(r.timestamp()) && r.clientToken().equals(a.clientToken());
    return sameTime && a.dimension().equals(r.dimension()) && a.quantity() == r.quantity();
  }

  private void checkOneQuantityPerKey() {
    Map<String, Set<String>> valuesByKey = new HashMap<>();
    for (String body : endpoint.requestBodies()) {
      String dimension = group(DIMENSION, body);
      String quantity = group(QUANTITY, body);
      String timestamp = group(TIMESTAMP, body);
      String token = group(TOKEN, body);
      if (dimension == null || timestamp == null) {
        continue;
      }
      long epochSecond = new BigDecimal(timestamp).longValue();
      String key = token != null ? "token " + token : dimension + "@" + Math.floorDiv(epochSecond, 3600);
      String value = token != null ? dimension + " " + quantity + " " + timestamp : String.valueOf(quantity);
      valuesByKey.computeIfAbsent(key, k -> new HashSet<>()).add(value);
    }
    assertThat(valuesByKey).as("requests seen").isNotEmpty();
    valuesByKey.forEach((key, values) ->
        assertThat(values).as(key + " was always sent with one quantity").hasSize(1));
  }

  private static String group(Pattern pattern, String body) {
    Matcher m = pattern.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  @Override
  public void close() throws Exception {
    for (ChildJvm child : children) {
      child.close();
    }
    endpoint.close();
  }
}
