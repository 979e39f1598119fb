package io.hourmeter.internal.drain;

import io.hourmeter.CarryPolicy;
import io.hourmeter.HourmeterException.Kind;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends frozen reports, oldest first, one per step, and maps every {@link OutcomeClass} to a
 * transition of the report state machine. Each new state is committed to the ledger before the side
 * effect that depends on it: IN_FLIGHT before the send, the outcome before anything else happens.
 *
 * <ul>
 *   <li>ACCEPTED: final, with the MeteringRecordId.</li>
 *   <li>RETRYABLE, OUTCOME_UNKNOWN: back to FROZEN, byte-identical, after {@code submitter.backoff(n)};
 *       an unknown outcome is remembered.</li>
 *   <li>DUPLICATE_REQUEST: the hour's own units are dead-lettered with an alert; never resent with
 *       another quantity, never carried (the quantity that stands may already include them). Units the
 *       report carried in from other hours go back to the carry pool.</li>
 *   <li>IDEMPOTENCY_CONFLICT: dead-lettered with an alert; a bug, never resent with a new token.</li>
 *   <li>TIMESTAMP_OUT_OF_BOUNDS: carried or dead-lettered by {@link CarryPolicy}.</li>
 *   <li>INVALID_DIMENSION: the dimension is quarantined (persisted) and its reports dead-lettered.</li>
 *   <li>INVALID_REPORT: dead-lettered.</li>
 *   <li>CONFIGURATION, NOT_ENTITLED: back to FROZEN; sending is suspended for
 *       {@link #SUSPENSION} and then tried again with the oldest report.</li>
 * </ul>
 *
 * <p>A report whose Timestamp is after the clock (the clock went back since it was frozen) waits until
 * the clock passes it again, rather than be sent into a TimestampOutOfBounds.
 *
 * <p>Deadlines come from the {@link ReportWindow}. A report that was never outcome-unknown and is
 * unsent at its carry deadline (window end - deadlineMargin) is carried, or dead-lettered under
 * {@link CarryPolicy#DEAD_LETTER}. A report that may already be recorded by AWS (an attempt had an
 * unknown outcome, or a crash interrupted its send) is never carried, since that could bill it twice:
 * an identical resend is safe, so it is resent until the window itself closes minus the clock-skew
 * margin, and only if still unknown then is it dead-lettered with a reason starting
 * {@value #OUTCOME_UNKNOWN}, for an operator who can check AWS's records.
 *
 * <p>Not thread-safe: the drainer thread owns it.
 */
final class ReportSender {
  /** How long sending pauses after a configuration or entitlement error. */
  static final Duration SUSPENSION = Duration.ofMinutes(5);
  /** How the reason of a report dead-lettered with its outcome unknown begins. */
  static final String OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN";
  /** How the reason of a report dead-lettered on a DuplicateRequest begins. */
  static final String DUPLICATE_REQUEST = "DuplicateRequest";

  private final UsageSubmitter submitter;
  private final CarryPolicy policy;
  private final ReportWindow window;
  private final StatusBoard board;
  private final Map<Long, Instant> notBefore = new HashMap<>();
  private Instant backoffUntil = Instant.MIN;
  private Instant suspendedUntil = Instant.MIN;
  private Sending suspension;
  private int consecutiveFailures;
  private Instant lastSuccess;
  private String permissionDenied;

  ReportSender(UsageSubmitter submitter, CarryPolicy policy, ReportWindow window, StatusBoard board) {
    this.submitter = submitter;
    this.policy = policy;
    this.window = window;
    this.board = board;
  }

  /** The first send of a new report waits until {@code at} (jitter). */
  void schedule(long reportId, Instant at) {
    notBefore.put(reportId, at);
  }

  /** Forgets scheduling, as after a recovery. */
  void reset() {
    notBefore.clear();
  }

  /** Where the sender reports errors and alerts. */
  StatusBoard board() {
    return board;
  }

  /** The window this sender decides with. */
  ReportWindow window() {
    return window;
  }

  /**
   * Settles every unsettled report whose deadline has come: one never outcome-unknown is carried (or
   * dead-lettered by policy) at its carry deadline; one outcome-unknown is dead-lettered as
   * {@value #OUTCOME_UNKNOWN} at the window's end minus the clock-skew margin.
   */
  int enforceDeadlines(LedgerState state, Instant now) {
    LedgerTransaction tx = state.begin();
    int decided = 0;
    for (UsageReport report : state.unsettled().values()) {
      if (!now.isBefore(window.deadline(report))) {
        settleUnsendable(tx, report, "the window closes at " + window.closes(report), now);
        decided++;
      }
    }
    state.commit(tx);
    decided(tx);
    return decided;
  }

  /**
   * Sends the oldest due report, if sending is allowed now.
   *
   * @param ignoreJitter whether first sends need not wait for their jitter (a shutdown flush)
   * @return 1 if a report was sent, else 0
   */
  int sendOne(LedgerState state, Instant now, boolean ignoreJitter) {
    if (now.isBefore(suspendedUntil) || now.isBefore(backoffUntil)) {
      return 0;
    }
    UsageReport due = null;
    for (UsageReport report : state.unsettled().values()) {
      Instant at = notBefore.get(report.id());
      if (state.quarantined().containsKey(report.dimension()) || report.timestamp().isAfter(now)) {
        // A Timestamp after now (the clock went back since the freeze) would be out of bounds: hold it.
        continue;
      }
      if (ignoreJitter || at == null || !now.isBefore(at)) {
        due = report;
        break;
      }
    }
    if (due == null) {
      return 0;
    }
    SendPermission permission = submitter.tryAcquirePermission();
    if (!permission.granted()) {
      backoffUntil = now.plus(permission.retryAfter());
      permissionDenied = permission.reason();
      return 0;
    }
    permissionDenied = null;
    UsageReport inFlight = due.startAttempt(now);
    try {
      state.commit(state.begin().put(inFlight));
    } catch (RuntimeException e) {
      submitter.releasePermission();
      throw e;
    }
    CrashPoints.reached(CrashPoints.BEFORE_SEND);
    SubmitOutcome outcome;
    try {
      outcome = submitter.submit(inFlight);
    } catch (RuntimeException e) {
      outcome = SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, e.getClass().getSimpleName(),
          "the submitter threw: " + e);
    }
    CrashPoints.reached(CrashPoints.AFTER_SEND);
    apply(state, inFlight, outcome, now);
    return 1;
  }

  private void apply(LedgerState state, UsageReport report, SubmitOutcome outcome, Instant now) {
    LedgerTransaction tx = state.begin();
    String what = outcome.errorCode() + ": " + outcome.message();
    switch (outcome.outcome()) {
      case ACCEPTED -> {
        tx.put(report.accepted(outcome.meteringRecordId(), now));
        consecutiveFailures = 0;
        backoffUntil = Instant.MIN;
        suspendedUntil = Instant.MIN;
        suspension = null;
        lastSuccess = now;
      }
      case RETRYABLE, OUTCOME_UNKNOWN -> {
        tx.put(report.retryLater(outcome.outcome() == OutcomeClass.OUTCOME_UNKNOWN, now));
        failed();
        backoffUntil = now.plus(submitter.backoff(consecutiveFailures));
        board.error(Kind.SEND_RETRYABLE, describe(report) + " will be resent unchanged: " + what, null, now);
      }
      case DUPLICATE_REQUEST -> {
        failed();
        duplicate(tx, report, DUPLICATE_REQUEST + ": another quantity stands for this dimension-hour; " + what, now);
      }
      case IDEMPOTENCY_CONFLICT -> {
        failed();
        deadLetter(tx, report, "IdempotencyConflict: token reused with other parameters (a bug); " + what,
            Kind.IDEMPOTENCY_CONFLICT, now);
      }
      case TIMESTAMP_OUT_OF_BOUNDS -> {
        failed();
        settleUnsendable(tx, report, "TimestampOutOfBounds: " + what, now);
      }
      case INVALID_DIMENSION -> {
        failed();
        quarantine(state, tx, report, what, now);
      }
      case INVALID_REPORT -> {
        failed();
        deadLetter(tx, report, "InvalidReport: " + what, Kind.DEAD_LETTER, now);
      }
      case CONFIGURATION, NOT_ENTITLED -> {
        tx.put(report.retryLater(false, now));
        failed();
        boolean configuration = outcome.outcome() == OutcomeClass.CONFIGURATION;
        suspension = configuration ? Sending.SUSPENDED_CONFIGURATION : Sending.SUSPENDED_NOT_ENTITLED;
        suspendedUntil = now.plus(SUSPENSION);
        board.error(configuration ? Kind.CONFIGURATION : Kind.NOT_ENTITLED,
            "sending suspended for " + SUSPENSION + ", journaling goes on: " + what, null, now);
      }
      default -> throw new IllegalStateException("unmapped outcome " + outcome.outcome());
    }
    state.commit(tx);
    decided(tx);
  }

  private void failed() {
    consecutiveFailures++;
  }

  /**
   * A report that cannot be sent in its own hour any more: carry its quantity, or dead-letter it. One
   * that AWS may have recorded is never carried: it is dead-lettered as {@value #OUTCOME_UNKNOWN}.
   */
  private void settleUnsendable(LedgerTransaction tx, UsageReport report, String why, Instant now) {
    if (report.outcomeUnknown()) {
      deadLetter(tx, report, OUTCOME_UNKNOWN + ": outcome unknown at the end of its window (AWS may have "
          + "recorded it; not carried, to avoid billing twice): " + why, Kind.DEAD_LETTER, now);
    } else if (policy == CarryPolicy.CARRY_FORWARD) {
      carry(tx, report, why, now);
    } else {
      deadLetter(tx, report, why, Kind.DEAD_LETTER, now);
    }
  }

  /**
   * A DuplicateRequest: AWS holds another quantity for the dimension-hour, so ours was not recorded.
   * The units the report carried in from other hours go back to the carry pool (counted as carried
   * again); only the hour's own units are dead-lettered, never resent with another quantity and never
   * carried, since the quantity that stands may include them. A report of carried units only is
   * carried on whole.
   */
  private void duplicate(LedgerTransaction tx, UsageReport report, String why, Instant now) {
    if (report.ownUnits() == 0) {
      String reason = why + "; all " + report.quantity() + " units were carried in and go back to the carry pool";
      carry(tx, report, reason, now);
      board.error(Kind.DUPLICATE_HOUR, describe(report) + " carried on: " + reason, null, now);
      return;
    }
    String reason = report.carriedUnits() == 0 ? why : why + "; sent q=" + report.quantity() + ", of which "
        + report.carriedUnits() + " units carried in from other hours went back to the carry pool";
    tx.addCarry(report.dimension(), BigInteger.valueOf(report.carriedUnits()), true);
    UsageReport letter = report.refusedAsDuplicate(reason, now);
    tx.put(letter);
    board.error(Kind.DUPLICATE_HOUR, describe(report) + " dead-lettered: " + reason, null, now);
  }

  /** Moves a whole report's quantity into its dimension's carry pool. */
  private void carry(LedgerTransaction tx, UsageReport report, String why, Instant now) {
    tx.put(report.finish(ReportState.CARRIED, why, now));
    tx.addCarry(report.dimension(), BigInteger.valueOf(report.quantity()), false);
    board.alert(Kind.CARRIED, describe(report) + " carried into the next report: " + why, null);
  }

  private void deadLetter(LedgerTransaction tx, UsageReport report, String reason, Kind kind, Instant now) {
    tx.put(report.finish(ReportState.DEAD_LETTERED, reason, now));
    board.error(kind, describe(report) + " dead-lettered: " + reason, null, now);
  }

  private void quarantine(LedgerState state, LedgerTransaction tx, UsageReport report, String what,
      Instant now) {
    String dimension = report.dimension();
    tx.quarantine(dimension, what);
    String reason = "InvalidUsageDimension: dimension '" + dimension + "' quarantined; " + what;
    tx.put(report.finish(ReportState.DEAD_LETTERED, reason, now));
    for (UsageReport other : state.unsettled().values()) {
      if (other.id() != report.id() && other.dimension().equals(dimension)) {
        tx.put(other.finish(ReportState.DEAD_LETTERED, reason, now));
      }
    }
    board.error(Kind.DIMENSION_QUARANTINED, reason, null, now);
  }

  private void decided(LedgerTransaction tx) {
    tx.reportPuts.values().forEach(r -> {
      if (r.state().isFinal()) {
        notBefore.remove(r.id());
      }
    });
  }

  private static String describe(UsageReport r) {
    return "report " + r.id() + " (" + r.dimension() + " " + r.timestamp() + " q=" + r.quantity() + ")";
  }

  /** What the sender is doing, for status. */
  Sending sending(Instant now) {
    if (now.isBefore(suspendedUntil) && suspension != null) {
      return suspension;
    }
    return now.isBefore(backoffUntil) ? Sending.BACKING_OFF : Sending.ACTIVE;
  }

  int consecutiveFailures() {
    return consecutiveFailures;
  }

  Instant lastSuccess() {
    return lastSuccess;
  }

  /** Why the submitter last refused permission, or {@code null}. */
  String permissionDenied() {
    return permissionDenied;
  }
}
