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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Read-only inspection of a journal directory, for the {@code hourmeter} CLI: reports with their
 * state, record id and deadline per hour, buyer and dimension, dead letters, a {@link #verify()} that
 * recomputes every hour's sums from the journal and compares them with what the ledger accounted,
 * per-buyer totals ({@link #customerTotals}) and a safe {@link #requestRequeue(long, boolean)} of dead
 * letters.
 *
 * <p>SaaS directories name each buyer by its canonical {@linkplain Buyer#key() key}; outside SaaS the
 * buyer is {@code null} and every view reads exactly as it did before buyers existed. The journal is
 * read in one pass per call, with the key of each (customer id, dimension id) pair made once, so a
 * directory of 100,000 buyers costs a pass over its records and memory per (buyer, dimension), never
 * work per buyer pair.
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
   * One (hour, buyer, dimension) of {@link #verify()}.
   *
   * @param buyer         the SaaS buyer's {@linkplain Buyer#key() key}, or {@code null} outside SaaS
   * @param frozen        whether the hour has been frozen (an open hour is not compared)
   * @param journalUnits  units the journal holds for it now
   * @param ledgerUnits   units the ledger accounted for it (frozen and late records), or {@code null}
   *                      if the entry was pruned
   * @param matches       whether the two agree (always true for an open hour)
   */
  public record HourCheck(long epochHour, String buyer, String dimension, boolean frozen,
      BigInteger journalUnits, BigInteger ledgerUnits, boolean matches) { }

  /**
   * Where one (buyer, dimension)'s usage is, from {@link #customerTotals}: every unit journaled ends in
   * exactly one of accepted, dead-lettered, pending or the carry pool. The balance
   * {@code journalUnits = acceptedUnits + deadLetteredUnits + pendingUnits + carryPoolUnits} holds
   * while the journal still has every reported hour's cycle file (retention removes old ones) and no
   * record is in flight to the drainer.
   *
   * @param buyer             the SaaS buyer, or {@code null} outside SaaS
   * @param dimension         the dimension
   * @param journalUnits      units the journal holds for it, in every hour on disk
   * @param acceptedUnits     quantities of its ACCEPTED reports
   * @param deadLetteredUnits quantities of its DEAD_LETTERED reports
   * @param pendingUnits      units not yet accepted or dead-lettered: journaled in hours not frozen yet,
   *                          and in reports frozen or in flight
   * @param carryPoolUnits    units waiting in the carry pool for the key's next report
   * @param reports           reports the ledger holds for it, in any state
   * @param quarantined       why the buyer is quarantined (CustomerNotSubscribed, an invalid buyer), or
   *                          {@code null}
   */
  public record CustomerTotals(Buyer buyer, String dimension, BigInteger journalUnits, BigInteger acceptedUnits,
      BigInteger deadLetteredUnits, BigInteger pendingUnits, BigInteger carryPoolUnits, int reports,
      String quarantined) { }

  /**
   * The directory at a glance.
   *
   * @param drainerRunning  whether some process holds the drainer lock now
   * @param mode            the mode the directory is drained in, or {@code null} before the first drain
   * @param checkpoint      journal position below which every record is accounted for
   * @param frozenThrough   the latest frozen hour (hourly), or {@code null}
   * @param reportsByState  how many reports the ledger holds in each state
   * @param carryPool       units waiting to go into the next report, per buyer (SaaS) and dimension
   * @param quarantined     quarantined dimensions, with why
   * @param quarantinedBuyers quarantined SaaS buyers by {@linkplain Buyer#key() key}, with why
   *                        (CustomerNotSubscribed or an invalid buyer; probed again every 30 minutes)
   * @param counters        totals since the directory was created
   * @param journalHours    hours with a cycle file on disk
   * @param journalBytes    bytes of the journal's files
   * @param ledgerBytes     bytes of the ledger's files
   */
  public record Summary(boolean drainerRunning, String mode, long checkpoint, Long frozenThrough,
      Map<ReportState, Integer> reportsByState, SortedMap<UsageKey, BigInteger> carryPool,
      Map<String, String> quarantined, SortedMap<String, String> quarantinedBuyers, Counters counters,
      NavigableSet<Long> journalHours, long journalBytes, long ledgerBytes) { }

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
        new TreeMap<>(state.carryPool()), Map.copyOf(state.quarantined()), byKey(state.quarantinedBuyers()),
        state.counters(), journal.hours(), journal.diskBytes(), ledger.diskBytes());
  }

  /**
   * The drainer's checkpoint of sums: per open hour and key, the units read below the checkpoint that
   * no report accounts for yet (see {@link LedgerState#openSums}). Empty once every hour read is frozen.
   */
  public SortedMap<Long, Map<UsageKey, BigInteger>> checkpointedOpenSums() {
    SortedMap<Long, Map<UsageKey, BigInteger>> sums = new TreeMap<>();
    state().openSums().forEach((hour, keys) -> sums.put(hour, Map.copyOf(keys)));
    return sums;
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
   * what the ledger accounted (hourly and SaaS modes; AgentCore mode keeps no per-hour sums, so its
   * hours show as not frozen). One check per (hour, buyer, dimension), oldest hour first, then by
   * buyer key (none first) and dimension.
   */
  public List<HourCheck> verify() {
    return verify(null);
  }

  /**
   * {@link #verify()} of the SaaS buyers that {@code buyers} accepts only ({@code null}: every record,
   * with or without a buyer). Records of other buyers are skipped as they are read.
   */
  public List<HourCheck> verify(Predicate<Buyer> buyers) {
    LedgerState state = state();
    TreeMap<Long, Map<UsageKey, BigInteger>> sums = new TreeMap<>();
    scan(buyers, (position, hour, key, quantity) -> sums.computeIfAbsent(hour, h -> new HashMap<>())
        .merge(key, BigInteger.valueOf(quantity), BigInteger::add));
    List<HourCheck> checks = new ArrayList<>();
    sums.forEach((hour, byKey) -> {
      boolean frozen = hour <= state.frozenThrough();
      Map<UsageKey, BigInteger> accounted = byBase(state.hourUnits().get(hour));
      Map<UsageKey, BigInteger> all = new TreeMap<>(byKey);
      if (accounted != null) {
        accounted.keySet().stream().filter(k -> accepts(buyers, k.buyer()))
            .forEach(k -> all.putIfAbsent(k, BigInteger.ZERO));
      }
      all.forEach((key, units) -> {
        BigInteger ledgerUnits = accounted == null ? null : accounted.getOrDefault(key, BigInteger.ZERO);
        boolean matches = !frozen || ledgerUnits == null || ledgerUnits.equals(units);
        checks.add(new HourCheck(hour, buyerKey(key), key.dimension(), frozen, units, ledgerUnits, matches));
      });
    });
    return checks;
  }

  /**
   * Per (buyer, dimension): what the journal holds, and how much of it is accepted, dead-lettered,
   * pending or in the carry pool ({@link CustomerTotals}), ordered by buyer key then dimension. One
   * pass over the journal and one over the ledger's reports, each adding into one entry per key, so
   * 100,000 buyers cost time linear in records and reports and memory linear in keys.
   *
   * @param buyers the SaaS buyers to include, or {@code null} for every key (with or without a buyer)
   */
  public List<CustomerTotals> customerTotals(Predicate<Buyer> buyers) {
    LedgerState state = state();
    boolean ranges = MeteringMode.AGENTCORE.name().equals(state.mode());
    Map<UsageKey, Totals> totals = new HashMap<>();
    scan(buyers, (position, hour, key, quantity) -> {
      Totals t = totals.computeIfAbsent(key, k -> new Totals());
      BigInteger units = BigInteger.valueOf(quantity);
      t.journal = t.journal.add(units);
      // Not accounted yet: an hour not frozen (hourly, SaaS), a record past the checkpoint (AgentCore).
      if (ranges ? position >= state.checkpoint() : hour > state.frozenThrough()) {
        t.pending = t.pending.add(units);
      }
    });
    for (UsageReport r : state.reports().values()) {
      if (!accepts(buyers, r.buyer())) {
        continue;
      }
      Totals t = totals.computeIfAbsent(r.key(), k -> new Totals());
      t.reports++;
      BigInteger units = BigInteger.valueOf(r.quantity());
      switch (r.state()) {
        case ACCEPTED -> t.accepted = t.accepted.add(units);
        case DEAD_LETTERED -> t.deadLettered = t.deadLettered.add(units);
        case OPEN, FROZEN, IN_FLIGHT -> t.pending = t.pending.add(units);
        case CARRIED -> { } // its units went to the pool or a later report, counted there
      }
    }
    byBase(state.carryPool()).forEach((key, units) -> {
      if (accepts(buyers, key.buyer())) {
        Totals t = totals.computeIfAbsent(key, k -> new Totals());
        t.carry = t.carry.add(units);
      }
    });
    Map<Buyer, String> quarantined = state.quarantinedBuyers();
    List<CustomerTotals> out = new ArrayList<>(totals.size());
    new TreeMap<>(totals).forEach((key, t) -> out.add(new CustomerTotals(key.buyer(), key.dimension(), t.journal,
        t.accepted, t.deadLettered, t.pending, t.carry, t.reports,
        key.buyer() == null ? null : quarantined.get(key.buyer()))));
    return out;
  }

  /** One key's running sums for {@link #customerTotals}. */
  private static final class Totals {
    BigInteger journal = BigInteger.ZERO;
    BigInteger accepted = BigInteger.ZERO;
    BigInteger deadLettered = BigInteger.ZERO;
    BigInteger pending = BigInteger.ZERO;
    BigInteger carry = BigInteger.ZERO;
    int reports;
  }

  /**
   * Whether the directory meters SaaS buyers: drained in SAAS mode, or (before its first drain) its
   * journal has registered a buyer.
   */
  public boolean saas() {
    String mode = state().mode();
    return mode != null ? MeteringMode.SAAS.name().equals(mode) : !journal.customers(1).isEmpty();
  }

  /** A journal record with its (buyer, dimension) key, for {@link #scan}. */
  @FunctionalInterface
  private interface KeyedRecord {
    void accept(long position, long epochHour, UsageKey key, long quantity);
  }

  /**
   * Reads every record once, from the first cycle on disk, and hands it over with its key, skipping
   * the buyers {@code buyers} refuses (and, with a filter, records without a buyer). Each
   * (customer id, dimension id) pair gets its key, and its filter decision, once; buyers the
   * application registers while this reads are fetched as their ids first appear.
   */
  private void scan(Predicate<Buyer> buyers, KeyedRecord out) {
    Map<Integer, String> dimensions = journal.dimensions();
    JournalBuyers customers = new JournalBuyers(journal);
    Map<Long, UsageKey> keys = new HashMap<>();
    UsageKey skip = UsageKey.of("");
    try (JournalReader reader = journal.reader(0)) {
      while (reader.read((position, hour, dimensionId, customerId, quantity, tagSetId) -> {
        UsageKey key = keys.computeIfAbsent(((long) customerId << 32) | (dimensionId & 0xFFFF_FFFFL), pair -> {
          String dimension = dimensions.getOrDefault(dimensionId, "unknown-" + dimensionId);
          if (customerId == 0) {
            return buyers == null ? UsageKey.of(dimension) : skip;
          }
          Buyer buyer = customers.buyer(customerId);
          return accepts(buyers, buyer) ? new UsageKey(buyer, dimension) : skip;
        });
        if (key != skip) {
          out.accept(position, hour, key, quantity);
        }
      }, 10_000) > 0) {
        // read on
      }
    }
  }

  /**
   * Units per (buyer, dimension), the tag sets of each summed: checks and totals are per report key,
   * as the journal scan reads them; {@code null} stays {@code null}.
   */
  private static Map<UsageKey, BigInteger> byBase(Map<UsageKey, BigInteger> units) {
    if (units == null) {
      return null;
    }
    Map<UsageKey, BigInteger> out = new HashMap<>();
    units.forEach((key, n) -> out.merge(key.base(), n, BigInteger::add));
    return out;
  }

  private static boolean accepts(Predicate<Buyer> buyers, Buyer buyer) {
    return buyers == null || (buyer != null && buyers.test(buyer));
  }

  private static String buyerKey(UsageKey key) {
    return key.buyer() == null ? null : key.buyer().key();
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

  /**
   * The window of the directory's mode, with the default margins: {@link ReportWindow#closes(Instant)}
   * gives an hour's deadline, with SaaS's month-end cut-off.
   */
  public ReportWindow reportWindow() {
    return window(state());
  }

  /** The directory inspected. */
  public Path directory() {
    return directory;
  }

  private static SortedMap<String, String> byKey(Map<Buyer, String> quarantined) {
    SortedMap<String, String> byKey = new TreeMap<>();
    quarantined.forEach((buyer, why) -> byKey.put(buyer.key(), why));
    return byKey;
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
