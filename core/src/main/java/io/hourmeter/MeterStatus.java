package io.hourmeter;

import io.hourmeter.spi.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * An immutable snapshot of a meter's health: what a host application needs to follow AWS's guidance
 * not to fail closed before two hours of metering failures. Timestamps are {@code null} when the thing
 * has not happened yet.
 *
 * @param at                       when the snapshot was taken, on the meter's clock
 * @param mode                     the metering mode
 * @param closed                   whether {@link Meter#close()} has been called
 * @param drainer                  whether this process holds the journal directory's drainer lock
 * @param pendingUnitsByHour       per epoch hour start, per dimension: units journaled but not yet
 *                                 accepted, carried or dead-lettered (open and frozen hours); known only
 *                                 in the drainer process, empty in a process that only appends
 * @param oldestUnsentHour         start of the oldest hour with unsent usage, or {@code null}
 * @param timeLeftBeforeDeadline   time until that hour passes AWS's six-hour window, or {@code null}
 * @param lastSuccess              when AWS last accepted a report
 * @param lastErrorAt              when the last send or storage error happened
 * @param lastError                that error's message
 * @param consecutiveFailures      failed sends since the last success
 * @param sending                  whether the drainer is sending, backing off, suspended, not the
 *                                 drainer, or closed
 * @param circuitState             the submitter's circuit breaker state
 * @param acceptedReports          reports AWS accepted, since the journal directory was created (this and
 *                                 the other totals as of the last time this process drained)
 * @param acceptedUnits            units in those reports
 * @param carriedUnits             units carried into a later hour, since the directory was created
 * @param deadLetteredReports      reports dead-lettered
 * @param deadLetteredUnits        units in them
 * @param quarantinedDimensions    dimensions AWS rejected as unknown for the product
 * @param refusedUnits             units {@code record()} refused (disk low, closed) in this process
 * @param diskLow                  whether the journal is refusing appends for lack of disk space
 * @param journalBytes             bytes the journal directory holds on disk
 * @param quarantinedBuyers        SaaS: keys ({@link Buyer#key()}) of the buyers AWS would not bill (not
 *                                 subscribed, an unknown id or license), whose usage waits for a probe;
 *                                 empty in other modes
 * @param pendingBuyers            SaaS: how many buyers have usage journaled but not yet accepted,
 *                                 carried or dead-lettered; 0 in other modes (per-buyer figures are in
 *                                 the CLI: {@code hourmeter customers})
 * @param drainerLag               how far behind the journal the figures above may be: the time since the
 *                                 drainer last read the journal to its end (it reads at
 *                                 {@code MeterBuilder.drainInterval}, at once when an hour closes and
 *                                 when {@link Meter#status()} is asked); {@code null} in a process that
 *                                 does not drain, or before its first read
 */
public record MeterStatus(
    Instant at,
    MeteringMode mode,
    boolean closed,
    boolean drainer,
    SortedMap<Instant, Map<String, Long>> pendingUnitsByHour,
    Instant oldestUnsentHour,
    Duration timeLeftBeforeDeadline,
    Instant lastSuccess,
    Instant lastErrorAt,
    String lastError,
    int consecutiveFailures,
    Sending sending,
    CircuitState circuitState,
    long acceptedReports,
    long acceptedUnits,
    long carriedUnits,
    long deadLetteredReports,
    long deadLetteredUnits,
    Set<String> quarantinedDimensions,
    long refusedUnits,
    boolean diskLow,
    long journalBytes,
    Set<String> quarantinedBuyers,
    long pendingBuyers,
    Duration drainerLag) {

  public MeterStatus {
    quarantinedBuyers = Set.copyOf(quarantinedBuyers);
  }

  /** A status without a drainer lag ({@code null}: not known). */
  public MeterStatus(Instant at, MeteringMode mode, boolean closed, boolean drainer,
      SortedMap<Instant, Map<String, Long>> pendingUnitsByHour, Instant oldestUnsentHour,
      Duration timeLeftBeforeDeadline, Instant lastSuccess, Instant lastErrorAt, String lastError,
      int consecutiveFailures, Sending sending, CircuitState circuitState, long acceptedReports,
      long acceptedUnits, long carriedUnits, long deadLetteredReports, long deadLetteredUnits,
      Set<String> quarantinedDimensions, long refusedUnits, boolean diskLow, long journalBytes,
      Set<String> quarantinedBuyers, long pendingBuyers) {
    this(at, mode, closed, drainer, pendingUnitsByHour, oldestUnsentHour, timeLeftBeforeDeadline, lastSuccess,
        lastErrorAt, lastError, consecutiveFailures, sending, circuitState, acceptedReports, acceptedUnits,
        carriedUnits, deadLetteredReports, deadLetteredUnits, quarantinedDimensions, refusedUnits, diskLow,
        journalBytes, quarantinedBuyers, pendingBuyers, null);
  }

  /** A status of a mode without buyers: no quarantined or pending buyers. */
  public MeterStatus(Instant at, MeteringMode mode, boolean closed, boolean drainer,
      SortedMap<Instant, Map<String, Long>> pendingUnitsByHour, Instant oldestUnsentHour,
      Duration timeLeftBeforeDeadline, Instant lastSuccess, Instant lastErrorAt, String lastError,
      int consecutiveFailures, Sending sending, CircuitState circuitState, long acceptedReports,
      long acceptedUnits, long carriedUnits, long deadLetteredReports, long deadLetteredUnits,
      Set<String> quarantinedDimensions, long refusedUnits, boolean diskLow, long journalBytes) {
    this(at, mode, closed, drainer, pendingUnitsByHour, oldestUnsentHour, timeLeftBeforeDeadline, lastSuccess,
        lastErrorAt, lastError, consecutiveFailures, sending, circuitState, acceptedReports, acceptedUnits,
        carriedUnits, deadLetteredReports, deadLetteredUnits, quarantinedDimensions, refusedUnits, diskLow,
        journalBytes, Set.of(), 0);
  }

  /** What the drainer is doing about sending. */
  public enum Sending {
    /** Sending as reports become due. */
    ACTIVE,
    /**
     * Rebuilding state from the ledger and the journal, at start or after a failed step; nothing is
     * sent meanwhile, and pending figures are the last known ones.
     */
    RECOVERING,
    /** Waiting after retryable failures, or while the circuit breaker is open. */
    BACKING_OFF,
    /** Stopped for a configuration problem (product code, region, credentials); retrying slowly. */
    SUSPENDED_CONFIGURATION,
    /** Stopped because the buyer is not entitled; checking again slowly. */
    SUSPENDED_NOT_ENTITLED,
    /** Another process holds the drainer lock; this one only appends. */
    NOT_DRAINER,
    /**
     * {@link Meter#close()} has run: this meter sends nothing more and has released the drainer lock.
     * The figures are those at close, after any {@link ShutdownPolicy#REPORT_PARTIAL_HOUR} flush:
     * {@code pendingUnitsByHour} holds what waits for the next start (known only if this process was
     * the drainer), and the totals include the reports the flush sent.
     */
    CLOSED
  }
}
