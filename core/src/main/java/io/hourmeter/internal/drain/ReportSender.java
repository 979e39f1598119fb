package io.hourmeter.internal.drain;

import io.hourmeter.Buyer;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends frozen reports, oldest first, and maps every {@link OutcomeClass} to a transition of the report
 * state machine. The send unit is a call: one report for MeterUsage, one step a call; up to
 * {@link UsageSubmitter#maxReportsPerCall()} for BatchMeterUsage, up to {@link #CALLS_PER_COMMIT} calls
 * a step. Every report of a call keeps its own state and outcome; a whole-call rejection about one
 * record isolates the call's reports (each is resent alone) rather than apply to all. Each new state is committed to the ledger before the side
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
 *   <li>CUSTOMER_NOT_SUBSCRIBED, INVALID_CUSTOMER (SaaS): dead-lettered, never billed; the buyer is
 *       quarantined (persisted) and its later reports wait for a probe, one report sent alone every
 *       {@link #BUYER_PROBE}; an accepted probe lifts the quarantine.</li>
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
  /**
   * The most calls of several reports one step sends with one IN_FLIGHT commit and one outcome commit.
   * Each commit is an fsync (several milliseconds); a BatchMeterUsage call of 25 records takes about as
   * long, so with one commit per call the ledger, not AWS's 10 calls/s, would bound a SaaS product's
   * rate. The price, if the process dies during the step: the step's unsent reports come back
   * outcome-unknown (resent identically, never carried). MeterUsage keeps one call per step.
   */
  static final int CALLS_PER_COMMIT = 8;
  /** The outcome of a report marked IN_FLIGHT whose call the step did not make after all. */
  private static final SubmitOutcome NOT_SENT = SubmitOutcome.failed(OutcomeClass.RETRYABLE, "NotSent",
      "not sent: an earlier call of the same step failed");
  /** Up to this many unsettled reports, deadlines are checked at every step. */
  static final int SCAN_EVERY_STEP = 10_000;
  /** Above {@link #SCAN_EVERY_STEP}, deadlines are checked at least this often. */
  static final Duration DEADLINE_SCAN = Duration.ofSeconds(10);
  /** How often one report of a quarantined buyer is tried again. */
  static final Duration BUYER_PROBE = Duration.ofMinutes(30);
  private static final Logger LOG = LoggerFactory.getLogger(ReportSender.class);
  /** How the reason of a report dead-lettered on a DuplicateRequest begins. */
  static final String DUPLICATE_REQUEST = "DuplicateRequest";

  private final UsageSubmitter submitter;
  private final CarryPolicy policy;
  private final ReportWindow window;
  private final StatusBoard board;
  private final Map<Long, Instant> notBefore = new HashMap<>();
  /** Reports that a whole-call rejection made go alone, until settled. */
  private final Set<Long> isolated = new HashSet<>();
  /** When a quarantined buyer's next probe may go. */
  private final Map<Buyer, Instant> nextProbe = new HashMap<>();
  private Instant backoffUntil = Instant.MIN;
  private Instant nextDeadlineScan = Instant.MIN;
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
    nextDeadlineScan = Instant.MIN;
    notBefore.clear();
    isolated.clear();
    nextProbe.clear();
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
    if (state.unsettled().size() > SCAN_EVERY_STEP && now.isBefore(nextDeadlineScan)) {
      return 0;
    }
    LedgerTransaction tx = state.begin();
    int decided = 0;
    Instant earliest = Instant.MAX;
    for (UsageReport report : state.unsettled().values()) {
      Instant deadline = window.deadline(report);
      if (!now.isBefore(deadline)) {
        settleUnsendable(state, tx, report, "the window closes at " + window.closes(report), now);
        decided++;
      } else if (deadline.isBefore(earliest)) {
        earliest = deadline;
      }
    }
    // With many unsettled reports (SaaS: 300,000 an hour) the scan runs when the earliest deadline
    // comes, and at least every DEADLINE_SCAN for reports changed since, not at every step.
    Instant periodic = now.plus(DEADLINE_SCAN);
    nextDeadlineScan = earliest.isBefore(periodic) ? earliest : periodic;
    state.commit(tx);
    decided(tx);
    return decided;
  }

  /**
   * Sends the oldest due reports, if sending is allowed now, in calls of as many as the submitter's
   * {@link UsageSubmitter#callSize} takes of at most {@link UsageSubmitter#maxReportsPerCall()} due
   * reports of one product, oldest first (one for MeterUsage, up to 25 for BatchMeterUsage). Each
   * report keeps its own state and outcome.
   *
   * <p>A report isolated after a whole-call rejection goes alone; a quarantined buyer's reports wait,
   * but for one probe, sent alone, every {@link #BUYER_PROBE}.
   *
   * @param ignoreJitter whether first sends need not wait for their jitter (a shutdown flush)
   * @return the calls made (0 when none was due or allowed)
   */
  int sendOne(LedgerState state, Instant now, boolean ignoreJitter) {
    if (now.isBefore(suspendedUntil) || now.isBefore(backoffUntil)) {
      return 0;
    }
    int maxCalls = submitter.maxReportsPerCall() > 1 ? CALLS_PER_COMMIT : 1;
    List<List<UsageReport>> calls = new ArrayList<>(maxCalls);
    Set<Long> taken = new HashSet<>();
    while (calls.size() < maxCalls) {
      List<UsageReport> due = due(state, now, ignoreJitter, taken);
      if (due.isEmpty()) {
        break;
      }
      int size = due.size() == 1 ? 1 : Math.max(1, Math.min(due.size(), submitter.callSize(due)));
      SendPermission permission = submitter.tryAcquirePermission();
      if (!permission.granted()) {
        if (calls.isEmpty()) {
          backoffUntil = now.plus(permission.retryAfter());
          permissionDenied = permission.reason();
          return 0;
        }
        break;
      }
      permissionDenied = null;
      List<UsageReport> call = List.copyOf(due.subList(0, size));
      call.forEach(r -> taken.add(r.id()));
      calls.add(call);
    }
    if (calls.isEmpty()) {
      return 0;
    }
    List<List<UsageReport>> inFlight = new ArrayList<>(calls.size());
    LedgerTransaction started = state.begin();
    for (List<UsageReport> call : calls) {
      List<UsageReport> attempts = new ArrayList<>(call.size());
      for (UsageReport report : call) {
        UsageReport attempt = report.startAttempt(now);
        attempts.add(attempt);
        started.put(attempt);
      }
      inFlight.add(attempts);
    }
    try {
      state.commit(started);
    } catch (RuntimeException e) {
      calls.forEach(c -> submitter.releasePermission());
      throw e;
    }
    for (List<UsageReport> call : inFlight) {
      for (UsageReport report : call) {
        if (report.buyer() != null && state.quarantinedBuyers().containsKey(report.buyer())) {
          nextProbe.put(report.buyer(), now.plus(BUYER_PROBE));
        }
      }
    }
    List<List<SubmitOutcome>> outcomes = new ArrayList<>(inFlight.size());
    boolean stop = false;
    for (List<UsageReport> call : inFlight) {
      if (stop) {
        // Marked IN_FLIGHT but never sent, so known not recorded: back to FROZEN, not outcome-unknown.
        submitter.releasePermission();
        outcomes.add(java.util.Collections.nCopies(call.size(), NOT_SENT));
        continue;
      }
      CrashPoints.reached(CrashPoints.BEFORE_SEND);
      List<SubmitOutcome> answers = send(call);
      CrashPoints.reached(CrashPoints.AFTER_SEND);
      outcomes.add(answers);
      // A failing call (throttled, a whole-call error, an unknown outcome) ends the step's sending.
      stop = answers.stream().anyMatch(o -> o.outcome() != OutcomeClass.ACCEPTED && o.wholeCall()
          || o.outcome() == OutcomeClass.OUTCOME_UNKNOWN);
    }
    apply(state, inFlight, outcomes, now);
    return calls.size();
  }

  /** One call: the submitter's answers, one per report, or all outcome-unknown if it failed. */
  private List<SubmitOutcome> send(List<UsageReport> call) {
    int size = call.size();
    try {
      List<SubmitOutcome> outcomes = size == 1 && submitter.maxReportsPerCall() == 1
          ? List.of(submitter.submit(call.get(0)))
          : submitter.submitAll(List.copyOf(call));
      if (outcomes == null || outcomes.size() != size) {
        return allUnknown(size, "SubmitterFailure", "the submitter returned "
            + (outcomes == null ? "no" : outcomes.size()) + " outcomes for " + size + " reports");
      }
      return outcomes;
    } catch (RuntimeException e) {
      return allUnknown(size, e.getClass().getSimpleName(), "the submitter threw: " + e);
    }
  }

  /** The due reports of the next call, oldest first; a lone report when it must go alone. */
  private List<UsageReport> due(LedgerState state, Instant now, boolean ignoreJitter, Set<Long> taken) {
    int max = Math.max(1, submitter.maxReportsPerCall());
    List<UsageReport> due = new ArrayList<>(Math.min(max, 32));
    Set<String> distinct = max > 1 ? new HashSet<>() : Set.of();
    String product = null;
    for (UsageReport report : state.unsettled().values()) {
      if (taken.contains(report.id())) {
        continue;
      }
      Instant at = notBefore.get(report.id());
      if (state.quarantined().containsKey(report.dimension()) || report.timestamp().isAfter(now)) {
        // A Timestamp after now (the clock went back since the freeze) would be out of bounds: hold it.
        continue;
      }
      if (!ignoreJitter && at != null && now.isBefore(at)) {
        continue;
      }
      boolean probe = report.buyer() != null && state.quarantinedBuyers().containsKey(report.buyer());
      if (probe && now.isBefore(nextProbe.computeIfAbsent(report.buyer(), b -> now.plus(BUYER_PROBE)))) {
        continue;
      }
      boolean alone = probe || isolated.contains(report.id());
      if (alone) {
        if (due.isEmpty()) {
          return List.of(report);
        }
        continue;
      }
      if (product == null) {
        product = report.productCode();
      } else if (!product.equals(report.productCode())) {
        continue;
      }
      if (max > 1 && report.buyer() != null && !distinct.add(replyKey(report))) {
        // Same account (or identifier), dimension and time as one already in the call: a reply names a
        // record by those, not by its LicenseArn, so the two go in different calls. Skipping it here,
        // rather than ending the call at it, keeps calls full when one account holds several licenses.
        continue;
      }
      due.add(report);
      if (due.size() == max) {
        break;
      }
    }
    return due;
  }

  /** What a BatchMeterUsage reply tells records apart by: the buyer without its license, dimension, time. */
  private static String replyKey(UsageReport report) {
    Buyer b = report.buyer();
    return (b.awsAccountId() != null ? "a" + b.awsAccountId() : "c" + b.customerIdentifier()) + '\u0001'
        + report.dimension() + '\u0001' + report.timestamp().getEpochSecond() / 60;
  }

  private static List<SubmitOutcome> allUnknown(int size, String code, String why) {
    SubmitOutcome unknown = SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, code, why).forWholeCall();
    return java.util.Collections.nCopies(size, unknown);
  }

  /**
   * Whether an answer to a call of several reports refused the call for one record that the answer
   * does not name (an invalid dimension, timestamp, buyer or record): the call proves nothing was
   * recorded, and the others must not share the culprit's fate, so each is resent alone.
   */
  private static boolean aboutOneRecord(SubmitOutcome outcome, int callSize) {
    return callSize > 1 && outcome.wholeCall() && switch (outcome.outcome()) {
      case TIMESTAMP_OUT_OF_BOUNDS, INVALID_DIMENSION, INVALID_REPORT, INVALID_CUSTOMER, CUSTOMER_NOT_SUBSCRIBED,
          DUPLICATE_REQUEST, IDEMPOTENCY_CONFLICT -> true;
      default -> false;
    };
  }

  /** Applies every call's outcomes, report by report, in one ledger commit. */
  private void apply(LedgerState state, List<List<UsageReport>> calls, List<List<SubmitOutcome>> answers,
      Instant now) {
    LedgerTransaction tx = state.begin();
    boolean anyFailed = false;
    boolean retry = false;
    boolean anyAccepted = false;
    boolean batch = submitter.maxReportsPerCall() > 1;
    boolean suspends = false;
    boolean slowDown = false;
    for (int c = 0; c < calls.size(); c++) {
      List<UsageReport> call = calls.get(c);
      List<SubmitOutcome> outcomes = answers.get(c);
      for (int i = 0; i < call.size(); i++) {
        UsageReport report = tx.report(call.get(i).id());
        if (report.state().isFinal()) {
          continue;
        }
        SubmitOutcome outcome = outcomes.get(i);
        if (outcome == NOT_SENT) {
          tx.put(report.retryLater(false, now));
          continue;
        }
        if (aboutOneRecord(outcome, call.size())) {
          // Nothing of the call was recorded: resend each report alone to find the one it was about.
          isolated.add(report.id());
          tx.put(report.retryLater(false, now));
          anyFailed = true;
          continue;
        }
        // A BatchMeterUsage record's own answer (a buyer not subscribed, a DuplicateRecord, a record
        // left unprocessed) is that record's business, not a failed send of the product: only answers to
        // the whole call count towards the consecutive failures that set every buyer's backoff.
        boolean counts = !batch || outcome.wholeCall() || call.size() == 1 && isSendFailure(outcome.outcome());
        switch (outcome.outcome()) {
          case ACCEPTED -> anyAccepted = true;
          case RETRYABLE, OUTCOME_UNKNOWN -> {
            retry = true;
            slowDown |= counts;
          }
          case CONFIGURATION, NOT_ENTITLED -> {
            suspends = true;
            anyFailed = true;
          }
          default -> anyFailed |= counts;
        }
        applyOne(state, tx, report, outcome, now);
      }
    }
    if (anyAccepted && (batch && !suspends && !slowDown || !retry && !anyFailed)) {
      // The service took records and asked for no pause (throttling, an error to a whole call): it
      // works. Records it left unprocessed go again at the next step.
      consecutiveFailures = 0;
      backoffUntil = Instant.MIN;
      suspendedUntil = Instant.MIN;
      suspension = null;
      retry = false;
      anyFailed = false;
    }
    if (anyAccepted) {
      lastSuccess = now;
    }
    if (retry || anyFailed) {
      failed();
    }
    if (retry) {
      backoffUntil = now.plus(submitter.backoff(consecutiveFailures));
    }
    state.commit(tx);
    decided(tx);
  }

  /** Whether an answer to a one-report call of a batch submitter says the service, not the record, failed. */
  private static boolean isSendFailure(OutcomeClass outcome) {
    return outcome == OutcomeClass.RETRYABLE || outcome == OutcomeClass.OUTCOME_UNKNOWN
        || outcome == OutcomeClass.CONFIGURATION || outcome == OutcomeClass.NOT_ENTITLED;
  }

  private void applyOne(LedgerState state, LedgerTransaction tx, UsageReport report, SubmitOutcome outcome,
      Instant now) {
    String what = outcome.errorCode() + ": " + outcome.message();
    switch (outcome.outcome()) {
      case ACCEPTED -> {
        tx.put(report.accepted(outcome.meteringRecordId(), now));
        isolated.remove(report.id());
        if (report.buyer() != null && state.quarantinedBuyers().containsKey(report.buyer())) {
          tx.unquarantine(report.buyer());
          nextProbe.remove(report.buyer());
          board.alert(Kind.BUYER_QUARANTINED, report.buyer() + " is metered again: " + describe(report)
              + " was accepted", null);
        }
      }
      case RETRYABLE, OUTCOME_UNKNOWN -> {
        tx.put(report.retryLater(outcome.outcome() == OutcomeClass.OUTCOME_UNKNOWN, now));
        board.error(Kind.SEND_RETRYABLE, describe(report) + " will be resent unchanged: " + what, null, now);
      }
      case DUPLICATE_REQUEST -> {
        if (report.buyer() != null && report.attempts() == 1 && !report.outcomeUnknown()) {
          LOG.warn("{} was refused as a duplicate on its first send: another meter may report product {} "
              + "(one SaaS meter per product, or the fleet aggregation)", describe(report), report.productCode());
        }
        duplicate(tx, report, DUPLICATE_REQUEST + ": another quantity stands for this "
            + (report.buyer() == null ? "dimension-hour" : "buyer's dimension-hour") + "; " + what, now);
      }
      case IDEMPOTENCY_CONFLICT -> deadLetter(tx, report, "IdempotencyConflict: token reused with other "
          + "parameters (a bug); " + what, Kind.IDEMPOTENCY_CONFLICT, now);
      case TIMESTAMP_OUT_OF_BOUNDS -> settleUnsendable(state, tx, report, "TimestampOutOfBounds: " + what, now);
      case INVALID_DIMENSION -> quarantine(state, tx, report, what, now);
      case INVALID_REPORT -> deadLetter(tx, report, "InvalidReport: " + what, Kind.DEAD_LETTER, now);
      case CUSTOMER_NOT_SUBSCRIBED, INVALID_CUSTOMER -> quarantineBuyer(state, tx, report, outcome, now);
      case CONFIGURATION, NOT_ENTITLED -> {
        tx.put(report.retryLater(false, now));
        boolean configuration = outcome.outcome() == OutcomeClass.CONFIGURATION;
        suspension = configuration ? Sending.SUSPENDED_CONFIGURATION : Sending.SUSPENDED_NOT_ENTITLED;
        suspendedUntil = now.plus(SUSPENSION);
        board.error(configuration ? Kind.CONFIGURATION : Kind.NOT_ENTITLED,
            "sending suspended for " + SUSPENSION + ", journaling goes on: " + what, null, now);
      }
      default -> throw new IllegalStateException("unmapped outcome " + outcome.outcome());
    }
  }

  /**
   * A buyer AWS will not bill (not subscribed; an unknown id or license): this report is dead-lettered
   * with the reason, never counted as billed, and the buyer is quarantined (persisted), since AWS
   * refuses its later records too. Its other reports wait; one is sent alone every
   * {@link #BUYER_PROBE}, and an accepted one lifts the quarantine. Every other buyer goes on.
   */
  private void quarantineBuyer(LedgerState state, LedgerTransaction tx, UsageReport report,
      SubmitOutcome outcome, Instant now) {
    String code = outcome.outcome() == OutcomeClass.CUSTOMER_NOT_SUBSCRIBED ? "CustomerNotSubscribed"
        : outcome.errorCode();
    String why = outcome.message().startsWith(code) ? outcome.message() : code + ": " + outcome.message();
    tx.put(report.finish(ReportState.DEAD_LETTERED, why, now));
    if (report.buyer() != null) {
      boolean fresh = !state.quarantinedBuyers().containsKey(report.buyer());
      tx.quarantine(report.buyer(), why);
      nextProbe.put(report.buyer(), now.plus(BUYER_PROBE));
      if (fresh) {
        board.error(Kind.BUYER_QUARANTINED, report.buyer() + " quarantined, its usage is kept and tried again every "
            + BUYER_PROBE + "; " + describe(report) + " dead-lettered: " + why, null, now);
        return;
      }
    }
    board.error(Kind.DEAD_LETTER, describe(report) + " dead-lettered: " + why, null, now);
  }

  private void failed() {
    consecutiveFailures++;
  }

  /**
   * A report that cannot be sent in its own hour any more: carry its quantity, or dead-letter it. One
   * that AWS may have recorded is never carried: it is dead-lettered as {@value #OUTCOME_UNKNOWN}.
   */
  private void settleUnsendable(LedgerState state, LedgerTransaction tx, UsageReport report, String why,
      Instant now) {
    String quarantined = report.buyer() == null ? null : state.quarantinedBuyers().get(report.buyer());
    if (report.outcomeUnknown()) {
      deadLetter(tx, report, OUTCOME_UNKNOWN + ": outcome unknown at the end of its window (AWS may have "
          + "recorded it; not carried, to avoid billing twice): " + why, Kind.DEAD_LETTER, now);
    } else if (quarantined != null) {
      // Carrying would only hold it again: AWS refuses the buyer's records until it is subscribed.
      deadLetter(tx, report, "buyer quarantined (" + quarantined + "): " + why, Kind.DEAD_LETTER, now);
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
    tx.addCarry(report, report.carriedUnits(), true);
    UsageReport letter = report.refusedAsDuplicate(reason, now);
    tx.put(letter);
    board.error(Kind.DUPLICATE_HOUR, describe(report) + " dead-lettered: " + reason, null, now);
  }

  /** Moves a whole report's quantity into its dimension's carry pool. */
  private void carry(LedgerTransaction tx, UsageReport report, String why, Instant now) {
    tx.put(report.finish(ReportState.CARRIED, why, now));
    tx.addCarry(report, report.quantity(), false);
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
        isolated.remove(r.id());
      }
    });
  }

  private static String describe(UsageReport r) {
    return "report " + r.id() + " (" + (r.buyer() == null ? "" : r.buyer().key() + " ") + r.dimension() + " "
        + r.timestamp() + " q=" + r.quantity() + ")";
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
