package io.hourmeter.testing;

import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
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
 * Faults are scripted with {@link #failNext} and {@link #acceptButLoseResponse}. Thread-safe.
 */
public final class RecordingUsageSubmitter implements UsageSubmitter {

  /** A request AWS recorded. */
  public record Accepted(String recordId, String productCode, String dimension, Instant timestamp,
      long quantity, List<UsageAllocation> allocations, String clientToken) { }

  private final InstantSource clock;
  private final String productCode;
  private final Set<String> dimensions;
  private final List<Accepted> accepted = new ArrayList<>();
  private final Map<String, Accepted> byHour = new HashMap<>();
  private final Map<String, Accepted> byToken = new HashMap<>();
  private final Deque<OutcomeClass> scriptedFailures = new ArrayDeque<>();
  private final List<UsageReport> sent = new ArrayList<>();
  private int loseResponses;
  private int sequence;

  public RecordingUsageSubmitter(InstantSource clock, String productCode, Set<String> dimensions) {
    this.clock = clock;
    this.productCode = productCode;
    this.dimensions = Set.copyOf(dimensions);
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
  public synchronized SubmitOutcome submit(UsageReport report) {
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
        report.timestamp(), report.quantity(), report.allocations(), report.clientToken());
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

  /** Every report passed to {@link #submit}, in order, including failed ones. */
  public synchronized List<UsageReport> sent() {
    return List.copyOf(sent);
  }
}
