package io.hourmeter.internal.drain;

import io.hourmeter.CarryPolicy;
import io.hourmeter.ErrorHandler;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.math.BigInteger;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The drainer's sending half for usage frozen outside a journal: the same {@link ReportSender}, report
 * state machine, {@link ReportFreezer}, window and ledger encoding as one host's drainer, over a
 * {@link ReportLedger}, with the usage handed in rather than read from a journal. The fleet sender
 * (hourmeter-kafka) freezes the aggregator's finals with {@link #freeze}, committing the finals
 * topic's offset as the ledger {@linkplain #checkpoint() checkpoint} in the same commit, and drives
 * {@link #doWork()}; usage the sender carries (window passed, TimestampOutOfBounds, over a record's
 * quantity) collects in the {@linkplain #carryPool() carry pool}, which its owner ships elsewhere and
 * then {@linkplain #carriesShipped clears}.
 *
 * <p>Internal: an extension point for hourmeter's own modules, not a supported API.
 *
 * <p>Not thread-safe: one thread drives it (the status getters may be read from others).
 */
public final class SendingAgent {
  private final LedgerState state;
  private final ReportSender sender;
  private final ReportFreezer freezer;
  private final InstantSource clock;

  /**
   * One frozen unit of usage: a key's (with its tag set) units of one hour.
   *
   * @param key       buyer, dimension and tag set
   * @param epochHour the hour; the report's Timestamp is its start
   * @param own       units of the hour itself
   * @param carried   units carried into it from other hours (given back to the carry pool on a
   *                  DuplicateRequest, as one host does)
   */
  public record Usage(UsageKey key, long epochHour, BigInteger own, BigInteger carried) {
    public Usage {
      Objects.requireNonNull(key, "key");
      if (own.signum() < 0 || carried.signum() < 0) {
        throw new IllegalArgumentException("units must be >= 0: " + own + ", " + carried);
      }
    }
  }

  /**
   * Opens the state kept in {@code ledger} and makes it ready to send: a report a crash left IN_FLIGHT
   * is marked outcome-unknown and resent unchanged, as on one host.
   */
  public SendingAgent(ReportLedger ledger, UsageSubmitter submitter, String productCode, CarryPolicy policy,
      ReportWindow window, InstantSource clock, ErrorHandler errorHandler) {
    this.clock = clock;
    this.freezer = new ReportFreezer(productCode, policy);
    this.sender = new ReportSender(submitter, policy, window, new StatusBoard(errorHandler, null));
    this.state = LedgerState.load(ledger);
    Instant now = clock.instant();
    LedgerTransaction tx = state.begin();
    for (UsageReport report : state.unsettled().values()) {
      if (report.state() == ReportState.IN_FLIGHT) {
        tx.put(report.retryLater(true, now));
      }
    }
    state.commit(tx);
  }

  /**
   * Freezes {@code usage} (grouped into one report per buyer, dimension and hour, one allocation per
   * tag set, by the host's freezer: at most 2,147,483,647 units and 2,500 tag sets a report, the rest to
   * the carry pool) and sets the checkpoint to {@code checkpoint}, in one ledger commit: either all of it
   * is frozen and the checkpoint moved, or none. Reports of a quarantined dimension are dead-lettered.
   *
   * @return the reports frozen
   */
  public List<UsageReport> freeze(Collection<Usage> usage, long checkpoint) {
    Instant now = clock.instant();
    LedgerTransaction tx = state.begin();
    // Hour, then buyer and dimension: one report per group, each tag set an allocation.
    TreeMap<Long, TreeMap<UsageKey, SortedMap<UsageKey, BigInteger>>> groups = new TreeMap<>();
    for (Usage u : usage) {
      groups.computeIfAbsent(u.epochHour(), h -> new TreeMap<>())
          .computeIfAbsent(u.key().base(), k -> new TreeMap<>())
          .merge(u.key(), u.own(), BigInteger::add);
      // Carried-in units enter the key's pool, which the freeze takes into the report as carried units.
      tx.addCarry(u.key(), u.carried(), false);
    }
    List<UsageReport> frozen = new ArrayList<>();
    groups.forEach((hour, byKey) -> byKey.forEach((base, own) -> {
      UsageReport report = freezer.freeze(tx, own, hour, Instant.ofEpochSecond(hour * 3600), -1, -1,
          (d, id) -> null, now, state.quarantined().get(base.dimension()));
      if (report != null) {
        frozen.add(report);
      }
    }));
    tx.checkpoint(checkpoint);
    state.commit(tx);
    return frozen;
  }

  /**
   * One sending step, as the drainer's: settles reports whose deadline came, then sends at most one
   * step's calls. Commits IN_FLIGHT before each send and the outcome after. Throws only if the ledger
   * fails; the owner then builds a new agent over the ledger.
   *
   * @return the work done, 0 when idle
   */
  public int doWork() {
    Instant now = clock.instant();
    int work = sender.enforceDeadlines(state, now);
    return work + sender.sendOne(state, now, false);
  }

  /** The checkpoint committed with the last {@link #freeze}: for the fleet sender, the next finals offset. */
  public long checkpoint() {
    return state.checkpoint();
  }

  /** Units waiting to be carried, per key; empty when nothing was carried. Unmodifiable. */
  public Map<UsageKey, BigInteger> carryPool() {
    return state.carryPool();
  }

  /**
   * A number that changes with every {@link #freeze} that froze something and every
   * {@link #carriesShipped}, and with nothing else: with {@link #carryPool()} it names one shipment of
   * the pool, the same after a crash until the shipment is cleared.
   */
  public long carryGeneration() {
    return state.nextId();
  }

  /** Takes {@code shipped} out of the carry pool (they went elsewhere), in one ledger commit. */
  public void carriesShipped(Map<UsageKey, BigInteger> shipped) {
    LedgerTransaction tx = state.begin();
    shipped.forEach((key, units) -> tx.setCarry(key, tx.carry(key).subtract(units).max(BigInteger.ZERO)));
    tx.newId();
    state.commit(tx);
  }

  /** Every report the ledger holds, by id. Unmodifiable. */
  public NavigableMap<Long, UsageReport> reports() {
    return state.reports();
  }

  /** Reports not yet final. Unmodifiable. */
  public NavigableMap<Long, UsageReport> unsettled() {
    return state.unsettled();
  }

  /** Removes final reports whose outcome went elsewhere, in one ledger commit; counters keep them. */
  public void forget(Collection<Long> reportIds) {
    LedgerTransaction tx = state.begin();
    for (long id : reportIds) {
      UsageReport report = state.reports().get(id);
      if (report != null && report.state().isFinal()) {
        tx.remove(id);
      }
    }
    state.commit(tx);
  }

  /** Accepted, carried and dead-lettered totals since the ledger was created. */
  public Counters counters() {
    return state.counters();
  }

  /** When AWS last accepted a report, or {@code null}. */
  public Instant lastSuccess() {
    return sender.lastSuccess();
  }

  /** Failed sends since the last success. */
  public int consecutiveFailures() {
    return sender.consecutiveFailures();
  }

  /** Whether the sender is sending, backing off or suspended. */
  public Sending sending() {
    return sender.sending(clock.instant());
  }

  /** The last error's message, or {@code null}. */
  public String lastError() {
    return sender.board().lastError();
  }
}
