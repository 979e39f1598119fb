package io.hourmeter.internal.inspect;

import io.hourmeter.Buyer;
import io.hourmeter.MeteringMode;
import io.hourmeter.internal.drain.Counters;
import io.hourmeter.internal.drain.DrainerLock;
import io.hourmeter.internal.drain.LedgerState;
import io.hourmeter.internal.drain.ReportWindow;
import io.hourmeter.internal.drain.RequeueRequests;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Read-only inspection of a journal directory, for the {@code hourmeter} CLI: reports with their
 * state, record id and deadline per hour and dimension, dead letters, a {@link #verify()} that
 * recomputes every hour's sums from the journal and compares them with what the ledger accounted, and
 * a safe {@link #requestRequeue(long, boolean)} of dead letters.
 *
 * <p>It never takes the drainer lock and never commits to the ledger, so it may run while the
 * application drains the same directory; each call reads the ledger afresh. Re-queueing only writes a
 * request file that the drainer (now, or at its next start) acts on.
 *
 * <p>Internal: not a supported API. Thread-safety: one thread at a time.
 */
public final class JournalInspection implements AutoCloseable {
  /**
   * The clock the inspection opens the journal with: the epoch, so that opening (which may seal and
   * roll cycles as part of crash recovery) never creates a cycle for an hour the application's own
   * clock has not reached; hours never go back, so the newest existing cycle is used instead.
   */
  static final InstantSource NEVER_AHEAD = InstantSource.fixed(Instant.EPOCH);

  private final Path directory;
  private final UsageJournal journal;
  private final ReportLedger ledger;

  /** A report and when its window closes (timestamp + the mode's window; the margins are the app's). */
  public record ReportView(UsageReport report, Instant windowEnd) { }

  /**
   * One (hour, dimension) of {@link #verify()}.
   *
   * @param frozen        whether the hour has been frozen (an open hour is not compared)
   * @param journalUnits  units the journal holds for it now
   * @param ledgerUnits   units the ledger accounted for it (frozen and late records), or {@code null}
   *                      if the entry was pruned
   * @param matches       whether the two agree (always true for an open hour)
   */
  public record HourCheck(long epochHour, String dimension, boolean frozen, BigInteger journalUnits,
      BigInteger ledgerUnits, boolean matches) { }

  /**
   * The directory at a glance.
   *
   * @param drainerRunning  whether some process holds the drainer lock now
   * @param mode            the mode the directory is drained in, or {@code null} before the first drain
   * @param checkpoint      journal position below which every record is accounted for
   * @param frozenThrough   the latest frozen hour (hourly), or {@code null}
   * @param reportsByState  how many reports the ledger holds in each state
   * @param carryPool       units waiting to go into the next report, per dimension
   * @param quarantined     quarantined dimensions, with why
   * @param counters        totals since the directory was created
   * @param journalHours    hours with a cycle file on disk
   * @param journalBytes    bytes of the journal's files
   * @param ledgerBytes     bytes of the ledger's files
   */
  public record Summary(boolean drainerRunning, String mode, long checkpoint, Long frozenThrough,
      Map<ReportState, Integer> reportsByState, Map<String, BigInteger> carryPool, Map<String, String> quarantined,
      Counters counters, NavigableSet<Long> journalHours, long journalBytes, long ledgerBytes) { }

  private JournalInspection(Path directory, UsageJournal journal, ReportLedger ledger) {
    this.directory = directory;
    this.journal = journal;
    this.ledger = ledger;
  }

  /** Opens a directory with the storage found by {@link ServiceLoader} (hourmeter-journal). */
  public static JournalInspection open(Path directory) {
    StorageProvider storage = ServiceLoader.load(StorageProvider.class, JournalInspection.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no io.hourmeter.spi.StorageProvider on the class path"));
    return open(directory, storage);
  }

  /** Opens a directory with the given storage, without taking the drainer lock. */
  public static JournalInspection open(Path directory, StorageProvider storage) {
    Objects.requireNonNull(directory, "directory");
    Path dir = directory.toAbsolutePath();
    UsageJournal journal = storage.openJournal(new JournalSettings(dir, NEVER_AHEAD, 0, d -> Long.MAX_VALUE));
    try {
      return new JournalInspection(dir, journal, storage.openLedger(dir));
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  private LedgerState state() {
    return LedgerState.decodeSnapshot(ledger.load());
  }

  /**
   * Whether a drainer (in this or another process) holds the directory's lock now. Safe inside the
   * drainer's own JVM: the probe goes through the JVM's one lock channel per directory
   * ({@link DrainerLock#isHeld}), so it never releases the lock it looks at.
   */
  public boolean drainerRunning() {
    return DrainerLock.isHeld(directory);
  }

  public Summary summary() {
    LedgerState state = state();
    Map<ReportState, Integer> byState = new TreeMap<>();
    state.reports().values().forEach(r -> byState.merge(r.state(), 1, Integer::sum));
    return new Summary(drainerRunning(), state.mode(), state.checkpoint(),
        state.frozenThrough() == Long.MIN_VALUE ? null : state.frozenThrough(), Map.copyOf(byState),
        byName(state.carryPool()), Map.copyOf(state.quarantined()), state.counters(), journal.hours(),
        journal.diskBytes(), ledger.diskBytes());
  }

  /** Every report the ledger holds, oldest first. */
  public List<ReportView> reports() {
    LedgerState state = state();
    return state.reports().values().stream().map(r -> view(state, r)).toList();
  }

  /** Reports per hour start and dimension, oldest hour first. */
  public SortedMap<Instant, Map<String, List<ReportView>>> reportsByHour() {
    SortedMap<Instant, Map<String, List<ReportView>>> hours = new TreeMap<>();
    LedgerState state = state();
    for (UsageReport report : state.reports().values()) {
      hours.computeIfAbsent(Instant.ofEpochSecond(report.epochHour() * 3600), h -> new TreeMap<>())
          .computeIfAbsent(report.dimension(), d -> new ArrayList<>()).add(view(state, report));
    }
    return hours;
  }

  /** Dead-lettered reports, with their reasons. */
  public List<ReportView> deadLetters() {
    LedgerState state = state();
    return state.reports().values().stream().filter(r -> r.state() == ReportState.DEAD_LETTERED)
        .map(r -> view(state, r)).toList();
  }

  /**
   * Recomputes every hour's sums from the journal's cycle files and compares, for every frozen hour,
   * what the ledger accounted (hourly mode; AgentCore mode keeps no per-hour sums, so its hours show
   * as not frozen).
   */
  public List<HourCheck> verify() {
    LedgerState state = state();
    Map<Integer, String> names = journal.dimensions();
    Map<Integer, String> customers = journal.customers(1);
    TreeMap<Long, Map<String, BigInteger>> sums = new TreeMap<>();
    try (JournalReader reader = journal.reader(0)) {
      while (reader.read((position, hour, dimensionId, customerId, quantity, tagSetId) -> {
        String dimension = names.getOrDefault(dimensionId, "unknown-" + dimensionId);
        String key = customerId == 0 ? dimension
            : new UsageKey(Buyer.fromKey(customers.getOrDefault(customerId, "id:unknown-" + customerId)), dimension)
                .toString();
        sums.computeIfAbsent(hour, h -> new TreeMap<>()).merge(key, BigInteger.valueOf(quantity), BigInteger::add);
      }, 10_000) > 0) {
        // read on
      }
    }
    List<HourCheck> checks = new ArrayList<>();
    sums.forEach((hour, byDim) -> {
      boolean frozen = hour <= state.frozenThrough();
      Map<UsageKey, BigInteger> accountedByKey = state.hourUnits().get(hour);
      Map<String, BigInteger> accounted = accountedByKey == null ? null : byName(accountedByKey);
      Map<String, BigInteger> all = new TreeMap<>(byDim);
      if (accounted != null) {
        accounted.keySet().forEach(d -> all.putIfAbsent(d, BigInteger.ZERO));
      }
      all.forEach((dim, units) -> {
        BigInteger ledgerUnits = accounted == null ? null : accounted.getOrDefault(dim, BigInteger.ZERO);
        boolean matches = !frozen || ledgerUnits == null || ledgerUnits.equals(units);
        checks.add(new HourCheck(hour, dim, frozen, units, ledgerUnits, matches));
      });
    });
    return checks;
  }

  /**
   * What re-queueing these reports would do now, in order, as the drainer decides it
   * ({@link RequeueRequests#plan}); with the default margins, since the application's are not in the
   * directory (the drainer decides with its own when it acts).
   *
   * @param notBilled the operator asserts, having checked AWS's records, that AWS did not bill them
   */
  public List<RequeueRequests.Placement> requeuePlan(List<Long> reportIds, boolean notBilled, Instant now) {
    LedgerState state = state();
    Map<Long, Boolean> requests = new LinkedHashMap<>();
    reportIds.forEach(id -> requests.put(id, notBilled));
    return RequeueRequests.plan(state.reports(), requests, now, window(state));
  }

  /**
   * Asks the drainer to re-queue a dead letter; it acts within seconds if running, else at its next
   * start, as {@link RequeueRequests} describes (check {@link #requeuePlan} first).
   *
   * @param notBilled the operator asserts, having checked AWS's records, that AWS did not bill it
   * @throws IllegalArgumentException if the report is not dead-lettered
   */
  public Path requestRequeue(long reportId, boolean notBilled) {
    UsageReport report = state().reports().get(reportId);
    if (report == null || report.state() != ReportState.DEAD_LETTERED) {
      throw new IllegalArgumentException("report " + reportId + " is "
          + (report == null ? "unknown" : report.state()) + ", not DEAD_LETTERED");
    }
    return RequeueRequests.request(directory, reportId, notBilled);
  }

  /** How long AWS accepts a report after its Timestamp, in the directory's mode ({@link ReportWindow}). */
  public Duration window() {
    return window(state()).length();
  }

  /** The directory inspected. */
  public Path directory() {
    return directory;
  }

  /**
   * Units by key name: the dimension alone outside SaaS (as before buyers existed), else
   * {@link UsageKey#toString()}, the buyer's key and the dimension.
   */
  private static Map<String, BigInteger> byName(Map<UsageKey, BigInteger> units) {
    Map<String, BigInteger> named = new TreeMap<>();
    units.forEach((key, n) -> named.merge(key.toString(), n, BigInteger::add));
    return named;
  }

  private static ReportView view(LedgerState state, UsageReport report) {
    return new ReportView(report, window(state).closes(report));
  }

  /** The window of the directory's mode (hourly before the first drain). */
  private static ReportWindow window(LedgerState state) {
    return ReportWindow.withDefaultMargins(state.mode() == null ? MeteringMode.HOURLY : MeteringMode.valueOf(state.mode()));
  }

  @Override
  public void close() {
    try {
      ledger.close();
    } finally {
      journal.close();
    }
  }
}
