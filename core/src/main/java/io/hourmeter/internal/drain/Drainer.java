package io.hourmeter.internal.drain;

import io.hourmeter.Buyer;
import io.hourmeter.HourmeterException.Kind;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.MeteringMode;
import io.hourmeter.internal.MeterSettings;
import io.hourmeter.spi.CircuitState;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drainer agent: each {@link #doWork()} does one bounded step (read at most a batch of journal
 * records, commit what is due, send at most one report, sweep retention) and returns the work done,
 * so tests drive it by hand with a controllable clock and no threads; {@link DrainerRunner} drives it
 * in production.
 *
 * <p>Only the holder of the journal directory's {@link DrainerLock} drains; a meter that does not hold
 * it only appends, and tries the lock again every {@link #LOCK_RETRY}. On taking the lock it opens the
 * ledger and rebuilds its state exactly from the ledger and the journal (re-reading from the
 * checkpoint; IN_FLIGHT reports are resent unchanged, marked outcome-unknown). Any failure in a step
 * is reported and drops every in-memory sum; the next step rebuilds from storage again.
 *
 * <p>Thread-safety: {@link #doWork()} and {@link #shutdown} must be called by one thread at a time
 * (the runner, or the test). {@link #status()} may be called from any thread.
 */
public final class Drainer {
  private static final Logger LOG = LoggerFactory.getLogger(Drainer.class);
  static final int BATCH = 4_096;
  /**
   * A reading step reads at most this many batches (256 Ki records, a few milliseconds), so a catch-up
   * after an interval is a few steps, each bounded, with sends and deadlines checked between them.
   */
  static final int READS_PER_STEP = 64;
  static final Duration LOCK_RETRY = Duration.ofSeconds(5);
  static final Duration RECOVERY_RETRY = Duration.ofSeconds(1);
  static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

  private final MeterSettings settings;
  private final UsageJournal journal;
  private final InstantSource clock;
  private final LongSupplier refusedUnits;
  private final BooleanSupplier closed;
  private final RandomGenerator random;
  private final DrainerLock lock;
  private final StatusBoard board;
  private final ReportSender sender;
  private final Aggregation aggregation;
  private final RetentionSweeper retention;
  private final RequeueRequests requeue;
  private ReportLedger ledger;
  private LedgerState state;
  private JournalCursor cursor;
  private Instant nextLockTry = Instant.MIN;
  private Instant nextRecovery = Instant.MIN;
  private Instant nextSample = Instant.MIN;
  private Instant nextRemember = Instant.MIN;
  /** The cadence: when the next read is due, and whether a catch-up is under way (see {@link #readDue}). */
  private Instant nextRead = Instant.MIN;
  private Instant lastCaughtUp = Instant.MIN;
  private Instant nextHourClose = Instant.MIN;
  private boolean catchingUp;
  /** Set by {@link #status()} from any thread: read to the end at the next step. */
  private volatile boolean catchUpAsked;
  /** When a read last reached the journal's end, for {@link MeterStatus#drainerLag()}; null before. */
  private volatile Instant caughtUpAt;
  /** Wakes the thread that drives this drainer, if it parks; set by {@link DrainerRunner}. */
  private volatile Runnable wake = () -> { };
  private int stepsSinceRemember;
  /** With a large state, status figures are retaken at least every this many steps. */
  static final int REMEMBER_EVERY_STEPS = 256;
  /** The time of the last step that read the clock, for reporting a step whose clock read failed. */
  private Instant lastNow = Instant.EPOCH;
  private long refusedReported;
  private long journalBytes;
  private boolean permissionChecked;
  private Counters lastCounters = Counters.ZERO;
  /**
   * Pending units and quarantined dimensions as last known, kept while the state is rebuilt (at start,
   * or after a failed step), so status never reads "all sent" while nothing is being sent.
   */
  private volatile SortedMap<Instant, Map<String, Long>> lastPending = Collections.emptySortedMap();
  private volatile Set<String> lastQuarantined = Set.of();
  private volatile Set<String> lastQuarantinedBuyers = Set.of();
  private volatile long lastPendingBuyers;

  /**
   * @throws io.hourmeter.HourmeterException if another open meter of this JVM meters the journal
   *                                         directory (see {@link DrainerLock#claim})
   */
  public Drainer(MeterSettings settings, UsageJournal journal, LongSupplier refusedUnits, BooleanSupplier closed,
      RandomGenerator random) {
    this.settings = settings;
    this.journal = journal;
    this.clock = settings.clock();
    this.refusedUnits = refusedUnits;
    this.closed = closed;
    this.random = random;
    this.lock = DrainerLock.claim(settings.journalDirectory());
    this.board = new StatusBoard(settings.errorHandler(), settings.statusListener());
    this.sender = new ReportSender(settings.submitter(), settings.carryPolicy(), ReportWindow.of(settings), board);
    ReportFreezer freezer = new ReportFreezer(settings.productCode(), settings.carryPolicy());
    this.aggregation = settings.mode() != MeteringMode.AGENTCORE
        ? new HourlyAggregation(journal, freezer, settings.carryPolicy(), settings.hourGrace(), board, this::scheduleFirstSend,
            settings.drainInterval())
        : new AgentCoreAggregation(journal, freezer, settings.agentCoreCutInterval(), settings.agentCoreCutUnits(),
            this::scheduleFirstSend);
    this.retention = new RetentionSweeper(journal, settings.mode(), settings.retention());
    this.requeue = new RequeueRequests(settings.journalDirectory());
  }

  /**
   * One bounded step; returns the work done (0 when idle). Never throws: this is the one place that
   * catches a step's failure, whatever its type, and hands it to {@link #failed}.
   */
  public int doWork() {
    Instant now = lastNow;
    int work = 0;
    try {
      now = clock.instant();
      lastNow = now;
      work += sample(now);
      if (holdsLock(now)) {
        if (state == null && !now.isBefore(nextRecovery)) {
          recover(now);
          work++;
        }
        if (state != null) {
          work += drain(now, false, readDue(now));
        }
      }
    } catch (Throwable e) {
      failed(e, now);
    }
    publish(now, false);
    return work;
  }

  private int drain(Instant now, boolean flush, boolean read) {
    int work = requeue.poll(state, sender, now);
    if (read) {
      work += readJournal(now);
    }
    work += aggregation.decide(state, cursor, now, flush);
    work += sender.enforceDeadlines(state, now);
    work += sender.sendOne(state, now, flush);
    if (!flush) {
      work += retention.sweep(state, now);
    }
    return work;
  }

  /**
   * Whether this step reads the journal: always with a zero {@code drainInterval}; otherwise while a
   * catch-up is under way (until a read reaches the end), once the interval has passed since the last
   * one ended, when an hour has closed since (its end plus hourGrace: the freeze reads first), when
   * status asked, and when the clock went back (an interval measured on it would be wrong).
   */
  private boolean readDue(Instant now) {
    return settings.drainInterval().isZero() || catchingUp || catchUpAsked || !now.isBefore(nextRead)
        || !now.isBefore(nextHourClose) || now.isBefore(lastCaughtUp);
  }

  /** Reads at most {@link #READS_PER_STEP} batches, and notes a catch-up that reached the end. */
  private int readJournal(Instant now) {
    catchingUp = true;
    int read = 0;
    for (int i = 0; i < READS_PER_STEP; i++) {
      int n = cursor.read(aggregation, BATCH);
      read += n;
      if (n < BATCH) {
        break;
      }
    }
    if (cursor.caughtUp()) {
      catchingUp = false;
      catchUpAsked = false;
      caughtUpAt = now;
      lastCaughtUp = now;
      nextRead = now.plus(settings.drainInterval());
      nextHourClose = nextHourClose(now, settings.hourGrace());
    }
    return read;
  }

  /** The first instant after {@code now} at which an hour closes: its end plus {@code grace}. */
  static Instant nextHourClose(Instant now, Duration grace) {
    long hour = HourlyAggregation.hourOf(now.minus(grace));
    return Instant.ofEpochMilli((hour + 1) * 3_600_000L).plus(grace);
  }

  /**
   * Asks for a read to the journal's end at the next step, and wakes the thread that drives this
   * drainer; any thread.
   */
  public void requestCatchUp() {
    catchUpAsked = true;
    wake.run();
  }

  /** How the driving thread is woken by {@link #requestCatchUp}; set once by {@link DrainerRunner}. */
  void wakeWith(Runnable wakeUp) {
    this.wake = wakeUp;
  }

  private boolean holdsLock(Instant now) {
    if (lock.held()) {
      return true;
    }
    if (now.isBefore(nextLockTry)) {
      return false;
    }
    nextLockTry = now.plus(LOCK_RETRY);
    if (!lock.tryAcquire()) {
      return false;
    }
    try {
      ledger = settings.storage().openLedger(settings.journalDirectory());
    } catch (Throwable e) {
      // Not draining without a ledger: let another process try, and this one again in LOCK_RETRY.
      lock.release();
      throw e;
    }
    LOG.info("this process is the drainer of {}", settings.journalDirectory());
    return true;
  }

  /** Rebuilds everything from the ledger and the journal. */
  private void recover(Instant now) {
    closeCursor();
    if (ledger == null) {
      ledger = settings.storage().openLedger(settings.journalDirectory());
    }
    LedgerState loaded = LedgerState.load(ledger);
    LedgerTransaction tx = loaded.begin();
    if (loaded.mode() == null) {
      tx.mode(settings.mode().name());
    } else if (!loaded.mode().equals(settings.mode().name())) {
      board.error(Kind.CONFIGURATION, "the journal directory was drained in " + loaded.mode()
          + " mode and is now opened in " + settings.mode() + " mode", null, now);
    }
    for (UsageReport report : loaded.unsettled().values()) {
      if (report.state() == ReportState.IN_FLIGHT) {
        tx.put(report.retryLater(true, now));
      }
    }
    loaded.commit(tx);
    aggregation.reset(loaded);
    sender.reset();
    for (UsageReport report : loaded.unsettled().values()) {
      if (report.attempts() == 0) {
        scheduleFirstSend(report);
      } else {
        sender.schedule(report.id(), now);
      }
    }
    cursor = new JournalCursor(journal, loaded.checkpoint());
    catchingUp = true;
    state = loaded;
    lastCounters = loaded.counters();
    LOG.info("drainer state rebuilt: {} unsettled reports, checkpoint {}", loaded.unsettled().size(),
        loaded.checkpoint());
  }

  private void scheduleFirstSend(UsageReport report) {
    long jitterMillis = settings.sendJitter().toMillis();
    long delay = jitterMillis <= 0 ? 0 : random.nextLong(jitterMillis + 1);
    sender.schedule(report.id(), clock.instant().plusMillis(delay));
  }

  /**
   * A step failed: memory may be out of step with the ledger (a commit half applied, a report left
   * IN_FLIGHT, an hour's sums taken out for a freeze), so every in-memory figure is dropped and the
   * next step after {@link #RECOVERY_RETRY} rebuilds from storage, which marks a report left IN_FLIGHT
   * outcome-unknown before it is resent unchanged.
   *
   * <p>Every {@link Throwable} takes this path, {@link VirtualMachineError}s included. An
   * OutOfMemoryError or StackOverflowError in the drainer is usually the drainer's own (a large
   * batch, a deep SDK stack) or a passing spike in the host, and rethrowing it would only end the
   * one thread that reports usage while {@code record()} goes on journaling; the host application,
   * not a metering library, decides whether the JVM should die. So the error is reported (log at
   * ERROR, the error handler as {@link Kind#DRAINER}, status' last error) and the drainer rebuilds,
   * at most once per {@link #RECOVERY_RETRY}. Dropping memory comes first and allocates nothing, so
   * it happens even when reporting fails for lack of memory.
   */
  private void failed(Throwable e, Instant now) {
    state = null;
    nextRecovery = now.plus(RECOVERY_RETRY);
    try {
      closeCursor();
      closeLedger();
      if (e instanceof Error) {
        LOG.error("drainer step failed with an Error; rebuilding from the ledger and journal", e);
      }
      board.error(Kind.DRAINER, "drainer step failed; rebuilding from the ledger and journal: " + e, e, now);
    } catch (Throwable again) {
      LOG.error("reporting a failed drainer step failed too; rebuilding anyway", again);
    }
  }

  private void closeLedger() {
    if (ledger != null) {
      try {
        ledger.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the ledger failed", e);
      }
      ledger = null;
    }
  }

  /** Reports refused units (disk guard) and runs the start-up permission check, off the hot path. */
  private int sample(Instant now) {
    if (now.isBefore(nextSample)) {
      return 0;
    }
    nextSample = now.plus(SAMPLE_EVERY);
    int work = 0;
    long refused = refusedUnits.getAsLong();
    if (refused > refusedReported) {
      board.error(Kind.DISK_LOW, (refused - refusedReported) + " units were refused by record() ("
          + refused + " in all): the journal's disk is below the free-space threshold", null, now);
      refusedReported = refused;
      work++;
    }
    journalBytes = journal.diskBytes();
    if (settings.checkPermissionAtStart() && !permissionChecked) {
      permissionChecked = true;
      work++;
      checkPermission(now);
    }
    return work;
  }

  private void checkPermission(Instant now) {
    SubmitOutcome outcome;
    try {
      outcome = settings.submitter().checkPermission(settings.productCode(), settings.dimensions().get(0));
    } catch (RuntimeException e) {
      outcome = SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, e.getClass().getSimpleName(), e.toString());
    }
    if (outcome.outcome() != OutcomeClass.ACCEPTED) {
      Kind kind = outcome.outcome() == OutcomeClass.NOT_ENTITLED ? Kind.NOT_ENTITLED : Kind.CONFIGURATION;
      board.error(kind, "MeterUsage permission check (DryRun) failed: " + outcome.errorCode() + ": "
          + outcome.message(), null, now);
    }
  }

  /**
   * Stops draining, then {@link #release releases}. This process first takes the lock if it is free
   * (a meter closed before its drainer's first step is still the drainer) and brings its figures up
   * to date: it reads the journal to the end, so that the final status and the closing log line count
   * every unit recorded. With {@code reportPartialHour} it then freezes everything read (the open hour
   * included) and sends what it can before {@code deadlineNanos} ({@link System#nanoTime()}); without,
   * it commits only a checkpoint of what it read (the open hours' sums, see {@link HourlyAggregation}),
   * so the next start reads nothing again. Never throws.
   */
  public void shutdown(boolean reportPartialHour, long deadlineNanos) {
    Instant now = lastNow;
    try {
      now = clock.instant();
      nextLockTry = Instant.MIN;
      if (holdsLock(now)) {
        if (state == null) {
          recover(now);
        }
        readToEnd(deadlineNanos);
        if (reportPartialHour) {
          flush(deadlineNanos);
        } else {
          // What was read need not be read again by the next start (a checkpoint of sums).
          aggregation.checkpoint(cursor, clock.instant());
        }
      } else if (reportPartialHour) {
        LOG.info("REPORT_PARTIAL_HOUR: another process drains {}; it reports the hour",
            settings.journalDirectory());
      }
    } catch (Throwable e) {
      failed(e, now);
    } finally {
      release(reportPartialHour);
    }
  }

  /**
   * Ends this drainer's life without any further step: remembers the final figures, closes the
   * journal reader and the ledger, releases the lock and the directory's claim, publishes the final
   * status ({@link Sending#CLOSED}) and logs once, at INFO, what waits for the next start. Called by
   * {@link #shutdown}, or on the runner thread once a step that outlived {@code close()}'s timeout
   * returned. Never throws.
   */
  public void release(boolean reportPartialHour) {
    boolean wasDrainer = lock.held();
    try {
      if (state != null) {
        remember(state);
      }
    } catch (Throwable e) {
      LOG.warn("taking the final figures failed; status keeps the last known ones", e);
    }
    try {
      closeCursor();
      closeLedger();
    } catch (Throwable e) {
      LOG.warn("closing the journal reader or the ledger failed", e);
    } finally {
      state = null;
      lock.close();
    }
    publish(clock.instant(), true);
    LOG.info(whatWaits(wasDrainer, reportPartialHour, lastPending, settings.journalDirectory()));
  }

  /** The closing log line: how many units wait for the next start, and why a first run sent nothing. */
  static String whatWaits(boolean wasDrainer, boolean reportPartialHour,
      SortedMap<Instant, Map<String, Long>> pending, Path directory) {
    if (!wasDrainer) {
      return "closed; this process was not the drainer of " + directory + ": the process that drains it "
          + "(or the next meter started on it) reports the usage recorded here";
    }
    long units = 0;
    for (Map<String, Long> dims : pending.values()) {
      for (long quantity : dims.values()) {
        units = Counters.plus(units, quantity);
      }
    }
    if (units == 0) {
      return "closed; nothing recorded in " + directory + " waits to be reported";
    }
    String why = reportPartialHour
        ? "they could not all be sent within closeTimeout; the next start sends them unchanged"
        : "ShutdownPolicy.LEAVE_OPEN_HOUR (the default) leaves the hour in progress in the journal: the "
            + "next start reports it once the hour has ended (plus hourGrace), so a short run reports "
            + "nothing by itself; ShutdownPolicy.REPORT_PARTIAL_HOUR reports it at close instead";
    return "closed; " + units + " units wait in " + directory + " for the next start " + pending + ": " + why;
  }

  private void readToEnd(long deadlineNanos) {
    while (cursor.read(aggregation, BATCH) == BATCH && System.nanoTime() < deadlineNanos) {
      // read to the end
    }
    if (cursor.caughtUp()) {
      caughtUpAt = clock.instant();
    }
  }

  private void flush(long deadlineNanos) {
    aggregation.decide(state, cursor, clock.instant(), true);
    while (System.nanoTime() < deadlineNanos && !state.unsettled().isEmpty()) {
      if (sender.sendOne(state, clock.instant(), true) == 0) {
        break;
      }
    }
  }

  private void closeCursor() {
    if (cursor != null) {
      try {
        cursor.close();
      } catch (RuntimeException e) {
        LOG.debug("closing the journal reader failed", e);
      }
      cursor = null;
    }
  }

  /**
   * The latest status, with the current time, refused units, disk state and drainer lag; asks for a
   * catch-up ({@link #requestCatchUp}), so that the next status counts what was recorded until now.
   */
  public MeterStatus status() {
    if (lock.held() && !closed.getAsBoolean()) {
      requestCatchUp();
    }
    MeterStatus s = board.latest();
    Instant now = clock.instant();
    if (s == null) {
      return snapshot(now, closed.getAsBoolean(), false);
    }
    boolean isClosed = closed.getAsBoolean();
    return new MeterStatus(now, s.mode(), isClosed, s.drainer(), s.pendingUnitsByHour(),
        s.oldestUnsentHour(), timeLeft(s.oldestUnsentHour(), now), s.lastSuccess(), s.lastErrorAt(),
        s.lastError(), s.consecutiveFailures(), isClosed ? Sending.CLOSED : s.sending(), s.circuitState(),
        s.acceptedReports(),
        s.acceptedUnits(), s.carriedUnits(), s.deadLetteredReports(), s.deadLetteredUnits(),
        s.quarantinedDimensions(), refusedUnits.getAsLong(), safeDiskLow(), s.journalBytes(),
        s.quarantinedBuyers(), s.pendingBuyers(), lag(now, s.drainer()));
  }

  /** Time since a read last reached the journal's end; null when not draining or never read. */
  private Duration lag(Instant now, boolean draining) {
    Instant at = caughtUpAt;
    if (!draining || at == null) {
      return null;
    }
    return now.isBefore(at) ? Duration.ZERO : Duration.between(at, now);
  }

  private void publish(Instant now, boolean closing) {
    try {
      board.publish(snapshot(now, closing || closed.getAsBoolean(), true));
    } catch (Throwable e) {
      LOG.warn("building the status failed", e);
    }
  }

  /** Takes pending units, quarantined dimensions and totals from the state; on the drainer thread. */
  private void remember(LedgerState current) {
    SortedMap<Instant, Map<String, Long>> pending = new TreeMap<>();
    aggregation.pending(pending);
    Set<Buyer> buyers = new HashSet<>();
    aggregation.pendingBuyers(buyers);
    for (UsageReport report : current.unsettled().values()) {
      Instant hour = Instant.ofEpochSecond(report.epochHour() * 3600);
      pending.computeIfAbsent(hour, h -> new TreeMap<>()).merge(report.dimension(), report.quantity(),
          Counters::plus);
      if (report.buyer() != null) {
        buyers.add(report.buyer());
      }
    }
    lastPendingBuyers = buyers.size();
    Set<String> quarantinedBuyers = new TreeSet<>();
    current.quarantinedBuyers().keySet().forEach(b -> quarantinedBuyers.add(b.key()));
    lastQuarantinedBuyers = Set.copyOf(quarantinedBuyers);
    SortedMap<Instant, Map<String, Long>> frozenPending = new TreeMap<>();
    pending.forEach((hour, dims) -> frozenPending.put(hour, Map.copyOf(dims)));
    lastPending = Collections.unmodifiableSortedMap(frozenPending);
    lastQuarantined = Set.copyOf(new TreeSet<>(current.quarantined().keySet()));
    lastCounters = current.counters();
  }

  private MeterStatus snapshot(Instant now, boolean isClosed, boolean onDrainerThread) {
    LedgerState current = onDrainerThread ? state : null;
    // Summing every unsettled report and open key at every step costs nothing in hourly mode (a
    // handful) but a scan of up to millions in SaaS mode: above ReportSender.SCAN_EVERY_STEP, status
    // figures are retaken every SAMPLE_EVERY on the clock, or every REMEMBER_EVERY_STEPS steps.
    if (current != null && (current.unsettled().size() + aggregation.keyCount() <= ReportSender.SCAN_EVERY_STEP
        || isClosed || !now.isBefore(nextRemember) || ++stepsSinceRemember >= REMEMBER_EVERY_STEPS)) {
      remember(current);
      nextRemember = now.plus(SAMPLE_EVERY);
      stepsSinceRemember = 0;
    }
    Counters counters = lastCounters;
    SortedMap<Instant, Map<String, Long>> pending = lastPending;
    Instant oldest = pending.isEmpty() ? null : pending.firstKey();
    Sending sending = isClosed ? Sending.CLOSED
        : !lock.held() ? Sending.NOT_DRAINER
        : !onDrainerThread || state == null ? Sending.RECOVERING
        : sender.sending(now);
    Set<String> quarantined = lastQuarantined;
    return new MeterStatus(now, settings.mode(), isClosed, lock.held(), pending, oldest, timeLeft(oldest, now),
        sender.lastSuccess(), board.lastErrorAt(), board.lastError(), sender.consecutiveFailures(), sending,
        circuitState(), counters.acceptedReports(), counters.acceptedUnits(), counters.carriedUnits(),
        counters.deadLetteredReports(), counters.deadLetteredUnits(), quarantined, refusedUnits.getAsLong(),
        safeDiskLow(), journalBytes, lastQuarantinedBuyers, lastPendingBuyers, lag(now, lock.held()));
  }

  private Duration timeLeft(Instant oldest, Instant now) {
    return oldest == null ? null : Duration.between(now, oldest.plus(sender.window().length()));
  }

  private CircuitState circuitState() {
    try {
      return settings.submitter().circuitState();
    } catch (RuntimeException e) {
      return CircuitState.DISABLED;
    }
  }

  private boolean safeDiskLow() {
    try {
      return journal.diskLow();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Drops the lock and every resource without a word to the ledger, as {@code kill -9} would; for
   * tests that simulate a crash inside one JVM.
   */
  void dieForTest() {
    closeCursor();
    ledger = null;
    state = null;
    lock.close();
  }

  /**
   * Gives up this meter's claim on the journal directory, so that another meter of this JVM may be
   * built on it, while a step still in flight (a stuck send at a close that timed out) keeps the lock
   * and ledger until {@link #shutdown} releases them.
   */
  public void unclaim() {
    lock.unclaim();
  }

  /** Whether this drainer holds the directory's lock. */
  public boolean isDrainer() {
    return lock.held();
  }

  /** The drainer's ledger state, or {@code null} before recovery; for tests on the drainer thread. */
  LedgerState state() {
    return state;
  }
}
