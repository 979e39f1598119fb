package io.hourmeter.testing;

import io.hourmeter.Buyer;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory submitter that dedupes exactly as AWS MeterUsage does, for tests:
 * <ul>
 *   <li>without a ClientToken (hourly): one record per (product, dimension, hour); an identical request
 *       returns the same record id, another quantity is DuplicateRequest;</li>
 *   <li>with a ClientToken (AgentCore): the token is the key; the same request returns the same id,
 *       another request is IdempotencyConflict;</li>
 *   <li>a Timestamp over six hours old or in the future is TimestampOutOfBounds; an unknown product is
 *       a configuration error and an unknown dimension InvalidUsageDimension.</li>
 * </ul>
 *
 * <p>{@link #saas} makes one that dedupes as BatchMeterUsage does, for SaaS mode: calls of up to 25
 * reports of one product ({@link #callSize} cuts at another product or a second record of one buyer,
 * dimension and minute), each report with its own outcome, in order. A buyer not
 * {@linkplain #subscribe subscribed} is CustomerNotSubscribed; one record per (buyer, dimension, minute):
 * an identical record returns the same id, another quantity is DuplicateRecord (DUPLICATE_REQUEST).
 * An unknown product or dimension, or a Timestamp 24 hours old or more or in the future, rejects the
 * whole call: every report gets the error, marked {@linkplain SubmitOutcome#forWholeCall() for the whole
 * call} when the call carried several. {@link #leaveUnprocessedNext} leaves records unprocessed (RETRYABLE). The
 * month-end cut-off of AWS's window is not modelled.
 *
 * <p>Faults are scripted with {@link #failNext} (a whole call) and {@link #acceptButLoseResponse}.
 * Thread-safe.
 */
public final class RecordingUsageSubmitter implements UsageSubmitter {

  /** A request (or, in SaaS mode, a record) AWS recorded; {@code buyer} is null but in SaaS mode. */
  public record Accepted(String recordId, String productCode, String dimension, Instant timestamp,
      long quantity, List<UsageAllocation> allocations, String clientToken, Buyer buyer) { }

  /** BatchMeterUsage's window: a record 24 hours old or more is out of bounds. */
  public static final Duration SAAS_WINDOW = Duration.ofHours(24);
  /** The most records one BatchMeterUsage call carries. */
  public static final int MAX_RECORDS_PER_CALL = 25;

  private final InstantSource clock;
  private final String productCode;
  private final Set<String> dimensions;
  private final List<Accepted> accepted = new ArrayList<>();
  private final Map<String, Accepted> byHour = new HashMap<>();
  private final Map<String, Accepted> byToken = new HashMap<>();
  private final Deque<OutcomeClass> scriptedFailures = new ArrayDeque<>();
  private final List<UsageReport> sent = new ArrayList<>();
  private final boolean saas;
  private final Set<Buyer> subscribers = new HashSet<>();
  private final Map<String, Accepted> byRecordKey = new HashMap<>();
  private final List<List<UsageReport>> calls = new ArrayList<>();
  private int loseResponses;
  private int unprocessedNext;
  private int sequence;

  /** A MeterUsage fake (hourly and AgentCore modes): one report per call. */
  public RecordingUsageSubmitter(InstantSource clock, String productCode, Set<String> dimensions) {
    this(clock, productCode, dimensions, false);
  }

  private RecordingUsageSubmitter(InstantSource clock, String productCode, Set<String> dimensions,
      boolean saas) {
    this.clock = clock;
    this.productCode = productCode;
    this.dimensions = Set.copyOf(dimensions);
    this.saas = saas;
  }

  /** A BatchMeterUsage fake (SaaS mode) for which {@code subscribers} are subscribed to the product. */
  public static RecordingUsageSubmitter saas(InstantSource clock, String productCode, Set<String> dimensions,
      Set<Buyer> subscribers) {
    RecordingUsageSubmitter fake = new RecordingUsageSubmitter(clock, productCode, dimensions, true);
    fake.subscribers.addAll(subscribers);
    return fake;
  }

  /** Subscribes a buyer to the product (SaaS mode). */
  public synchronized RecordingUsageSubmitter subscribe(Buyer buyer) {
    subscribers.add(buyer);
    return this;
  }

  /** Ends a buyer's subscription: its later records are CustomerNotSubscribed (SaaS mode). */
  public synchronized RecordingUsageSubmitter unsubscribe(Buyer buyer) {
    subscribers.remove(buyer);
    return this;
  }

  /** Leaves the next {@code records} records received unprocessed, in arrival order (SaaS mode). */
  public synchronized RecordingUsageSubmitter leaveUnprocessedNext(int records) {
    unprocessedNext += records;
    return this;
  }

  /** The next {@code times} sends fail with {@code outcome} without recording anything. */
  public synchronized RecordingUsageSubmitter failNext(int times, OutcomeClass outcome) {
    for (int i = 0; i < times; i++) {
      scriptedFailures.add(outcome);
    }
    return this;
  }

  /** The next {@code times} sends are recorded, but answer OUTCOME_UNKNOWN as if the connection dropped. */
  public synchronized RecordingUsageSubmitter acceptButLoseResponse(int times) {
    loseResponses += times;
    return this;
  }

  /** Records a buyer's record as if another host of the product had sent it first (SaaS mode). */
  public synchronized void preRecord(Buyer buyer, String dimension, Instant timestamp, long quantity) {
    UsageReport foreign = new UsageReport(-1, productCode, dimension, timestamp.getEpochSecond() / 3600,
        timestamp, quantity, List.of(), null, -1, -1, io.hourmeter.spi.ReportState.IN_FLIGHT, 1, false, null,
        null, timestamp, 0, buyer);
    meterRecord(foreign);
  }

  /** Records a request as if another process on this instance had sent it first. */
  public synchronized void preRecord(String dimension, Instant timestamp, long quantity) {
    UsageReport foreign = new UsageReport(-1, productCode, dimension, timestamp.getEpochSecond() / 3600,
        timestamp, quantity, List.of(), null, -1, -1, io.hourmeter.spi.ReportState.IN_FLIGHT, 1, false, null,
        null, timestamp);
    record(foreign);
  }

  @Override
  public SendPermission tryAcquirePermission() {
    return SendPermission.allow();
  }

  @Override
  public int maxReportsPerCall() {
    return saas ? MAX_RECORDS_PER_CALL : 1;
  }

  /** SaaS: the front of {@code candidates} of the first one's product, of distinct records, at most 25. */
  @Override
  public int callSize(List<UsageReport> candidates) {
    if (!saas || candidates.isEmpty()) {
      return 1;
    }
    Set<String> keys = new HashSet<>();
    int size = 0;
    for (UsageReport report : candidates) {
      if (size == MAX_RECORDS_PER_CALL || !report.productCode().equals(candidates.get(0).productCode())
          || !keys.add(recordKey(report))) {
        break;
      }
      size++;
    }
    return Math.max(1, size);
  }

  @Override
  public synchronized List<SubmitOutcome> submitAll(List<UsageReport> reports) {
    if (!saas) {
      return UsageSubmitter.super.submitAll(reports);
    }
    if (reports.isEmpty() || callSize(reports) != reports.size()) {
      throw new IllegalArgumentException("not a call callSize allows: " + reports.size() + " reports");
    }
    sent.addAll(reports);
    calls.add(List.copyOf(reports));
    SubmitOutcome whole = wholeCallRejection(reports);
    if (whole != null) {
      return Collections.nCopies(reports.size(), reports.size() > 1 ? whole.forWholeCall() : whole);
    }
    List<SubmitOutcome> outcomes = new ArrayList<>(reports.size());
    boolean recorded = false;
    for (UsageReport report : reports) {
      if (unprocessedNext > 0) {
        unprocessedNext--;
        outcomes.add(SubmitOutcome.failed(OutcomeClass.RETRYABLE, "UnprocessedRecord", "scripted unprocessed"));
        continue;
      }
      SubmitOutcome outcome = meterRecord(report);
      recorded |= outcome.outcome() == OutcomeClass.ACCEPTED;
      outcomes.add(outcome);
    }
    if (recorded && loseResponses > 0) {
      loseResponses--;
      SubmitOutcome lost = SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, "ConnectionReset",
          "scripted lost response");
      return Collections.nCopies(reports.size(), reports.size() > 1 ? lost.forWholeCall() : lost);
    }
    return outcomes;
  }

  /** The whole-call error a BatchMeterUsage call of {@code reports} gets, or null when it is processed. */
  private SubmitOutcome wholeCallRejection(List<UsageReport> reports) {
    OutcomeClass scripted = scriptedFailures.poll();
    if (scripted != null) {
      return SubmitOutcome.failed(scripted, scripted.name(), "scripted " + scripted);
    }
    if (!reports.get(0).productCode().equals(productCode)) {
      return SubmitOutcome.failed(OutcomeClass.CONFIGURATION, "InvalidProductCodeException",
          "unknown product " + reports.get(0).productCode());
    }
    Instant now = clock.instant();
    for (UsageReport report : reports) {
      if (report.buyer() == null) {
        return SubmitOutcome.failed(OutcomeClass.INVALID_REPORT, "ValidationException", "a record needs a buyer");
      }
      if (!dimensions.contains(report.dimension())) {
        return SubmitOutcome.failed(OutcomeClass.INVALID_DIMENSION, "InvalidUsageDimensionException",
            "unknown dimension " + report.dimension());
      }
      if (!report.timestamp().isAfter(now.minus(SAAS_WINDOW)) || report.timestamp().isAfter(now)) {
        return SubmitOutcome.failed(OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS, "TimestampOutOfBoundsException",
            "timestamp " + report.timestamp() + " is outside the 24-hour window at " + now);
      }
    }
    return null;
  }

  /** One BatchMeterUsage record: CustomerNotSubscribed, Success (new or identical) or DuplicateRecord. */
  private SubmitOutcome meterRecord(UsageReport report) {
    if (!subscribers.contains(report.buyer())) {
      return SubmitOutcome.failed(OutcomeClass.CUSTOMER_NOT_SUBSCRIBED, "CustomerNotSubscribed",
          report.buyer() + " is not subscribed to " + productCode);
    }
    String key = recordKey(report);
    Accepted earlier = byRecordKey.get(key);
    if (earlier == null) {
      Accepted record = new Accepted("rec-" + (++sequence), report.productCode(), report.dimension(),
          report.timestamp(), report.quantity(), report.allocations(), null, report.buyer());
      accepted.add(record);
      byRecordKey.put(key, record);
      return SubmitOutcome.accepted(record.recordId());
    }
    return earlier.quantity() == report.quantity() && earlier.allocations().equals(report.allocations())
        ? SubmitOutcome.accepted(earlier.recordId())
        : SubmitOutcome.failed(OutcomeClass.DUPLICATE_REQUEST, "DuplicateRecord",
            key + " already holds " + earlier.quantity());
  }

  /** What BatchMeterUsage dedupes on: buyer, dimension and the Timestamp's minute. */
  private static String recordKey(UsageReport report) {
    return (report.buyer() == null ? "-" : report.buyer().key()) + "|" + report.dimension() + "|"
        + report.timestamp().truncatedTo(ChronoUnit.MINUTES);
  }

  @Override
  public synchronized SubmitOutcome submit(UsageReport report) {
    if (saas) {
      return submitAll(List.of(report)).get(0);
    }
    sent.add(report);
    OutcomeClass scripted = scriptedFailures.poll();
    if (scripted != null) {
      return SubmitOutcome.failed(scripted, scripted.name(), "scripted " + scripted);
    }
    SubmitOutcome outcome = record(report);
    if (outcome.outcome() == OutcomeClass.ACCEPTED && loseResponses > 0) {
      loseResponses--;
      return SubmitOutcome.failed(OutcomeClass.OUTCOME_UNKNOWN, "ConnectionReset", "scripted lost response");
    }
    return outcome;
  }

  private SubmitOutcome record(UsageReport report) {
    if (!report.productCode().equals(productCode)) {
      return SubmitOutcome.failed(OutcomeClass.CONFIGURATION, "InvalidProductCodeException",
          "unknown product " + report.productCode());
    }
    if (!dimensions.contains(report.dimension())) {
      return SubmitOutcome.failed(OutcomeClass.INVALID_DIMENSION, "InvalidUsageDimensionException",
          "unknown dimension " + report.dimension());
    }
    Instant now = clock.instant();
    if (report.timestamp().isBefore(now.minus(Duration.ofHours(6))) || report.timestamp().isAfter(now)) {
      return SubmitOutcome.failed(OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS, "TimestampOutOfBoundsException",
          "timestamp " + report.timestamp() + " is outside the window at " + now);
    }
    if (report.clientToken() != null) {
      Accepted earlier = byToken.get(report.clientToken());
      if (earlier != null) {
        return sameRequest(earlier, report) ? SubmitOutcome.accepted(earlier.recordId())
            : SubmitOutcome.failed(OutcomeClass.IDEMPOTENCY_CONFLICT, "IdempotencyConflictException",
                "token " + report.clientToken() + " was used with other parameters");
      }
      return SubmitOutcome.accepted(store(report, null).recordId());
    }
    String hourKey = report.dimension() + "@" + Math.floorDiv(report.timestamp().getEpochSecond(), 3600);
    Accepted earlier = byHour.get(hourKey);
    if (earlier != null) {
      return sameRequest(earlier, report) ? SubmitOutcome.accepted(earlier.recordId())
          : SubmitOutcome.failed(OutcomeClass.DUPLICATE_REQUEST, "DuplicateRequestException",
              "hour " + hourKey + " already holds " + earlier.quantity());
    }
    return SubmitOutcome.accepted(store(report, hourKey).recordId());
  }

  private Accepted store(UsageReport report, String hourKey) {
    Accepted record = new Accepted("rec-" + (++sequence), report.productCode(), report.dimension(),
        report.timestamp(), report.quantity(), report.allocations(), report.clientToken(), null);
    accepted.add(record);
    if (hourKey != null) {
      byHour.put(hourKey, record);
    } else {
      byToken.put(report.clientToken(), record);
    }
    return record;
  }

  private static boolean sameRequest(Accepted earlier, UsageReport report) {
    boolean sameTime = report.clientToken() == null
        ? Math.floorDiv(earlier.timestamp().getEpochSecond(), 3600) == Math.floorDiv(report.timestamp().getEpochSecond(), 3600)
        : earlier.timestamp().equals(report.timestamp());
    return sameTime && earlier.quantity() == report.quantity() && earlier.allocations().equals(report.allocations())
        && earlier.dimension().equals(report.dimension());
  }

  @Override
  public Duration backoff(int consecutiveFailures) {
    return Duration.ofSeconds(Math.min(60, 1L << Math.min(consecutiveFailures, 6)));
  }

  /** Every request AWS recorded, in order. */
  public synchronized List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  /** Units accepted per dimension. */
  public synchronized Map<String, Long> acceptedUnits() {
    Map<String, Long> units = new HashMap<>();
    for (Accepted record : accepted) {
      units.merge(record.dimension(), record.quantity(), Long::sum);
    }
    return units;
  }

  /** Units accepted per key: per (buyer, dimension) in SaaS mode, per dimension otherwise. */
  public synchronized Map<UsageKey, Long> acceptedUnitsByKey() {
    Map<UsageKey, Long> units = new HashMap<>();
    for (Accepted record : accepted) {
      units.merge(new UsageKey(record.buyer(), record.dimension()), record.quantity(), Long::sum);
    }
    return units;
  }

  /** Every call of SaaS mode, as the reports it carried, in order. */
  public synchronized List<List<UsageReport>> calls() {
    return List.copyOf(calls);
  }

  /** Every report passed to {@link #submit} or {@link #submitAll}, in order, including failed ones. */
  public synchronized List<UsageReport> sent() {
    return List.copyOf(sent);
  }
}
