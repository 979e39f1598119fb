package io.hourmeter.spi;

import io.hourmeter.Buyer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One MeterUsage call, or one UsageRecord of a BatchMeterUsage call (SaaS), and its state. Everything
 * that goes on the wire (product code, buyer, dimension, timestamp, quantity, allocations, client
 * token) is fixed when the report is frozen, so every resend is byte-identical, whichever other
 * records share a BatchMeterUsage call with it.
 *
 * @param id               ledger-unique, increasing with freeze order
 * @param productCode      the ProductCode sent
 * @param dimension        the UsageDimension sent
 * @param epochHour        the hour the usage belongs to (hourly), or the hour of the range's end
 *                         (AgentCore)
 * @param timestamp        the Timestamp sent: the hour's start (hourly), or the cut time (AgentCore)
 * @param quantity         the UsageQuantity sent, 0 to 2,147,483,647
 * @param allocations      the UsageAllocations sent; empty when the usage has no tags
 * @param clientToken      the ClientToken sent (AgentCore), or {@code null} (hourly)
 * @param rangeStart       first journal position covered (AgentCore), or -1
 * @param rangeEnd         one past the last journal position covered (AgentCore), or -1
 * @param state            where the report is in its life
 * @param attempts         sends started so far
 * @param outcomeUnknown   whether some attempt ended without knowing if AWS recorded it
 * @param meteringRecordId AWS's record id once accepted, else {@code null}
 * @param reason           why it was carried or dead-lettered, else {@code null}
 * @param updatedAt        when the state last changed, on the meter's clock
 * @param carriedUnits     how many of {@code quantity}'s units came from the dimension's carry pool
 *                         (other hours' usage) rather than from this report's own hour or range; 0 in
 *                         ledgers written before the split was kept. On a DuplicateRequest they go back
 *                         to the pool: the refusal proves that they were not recorded
 * @param buyer            the SaaS buyer the usage is of (BatchMeterUsage), or {@code null} in the
 *                         modes that meter the buyer's own account (MeterUsage)
 */
public record UsageReport(
    long id,
    String productCode,
    String dimension,
    long epochHour,
    Instant timestamp,
    long quantity,
    List<UsageAllocation> allocations,
    String clientToken,
    long rangeStart,
    long rangeEnd,
    ReportState state,
    int attempts,
    boolean outcomeUnknown,
    String meteringRecordId,
    String reason,
    Instant updatedAt,
    long carriedUnits,
    Buyer buyer) {

  /** The most one MeterUsage call accepts. */
  public static final long MAX_QUANTITY = Integer.MAX_VALUE;
  /** The ProductCode pattern of the MeterUsage model. */
  public static final Pattern PRODUCT_CODE = Pattern.compile("^[-a-zA-Z0-9/=:_.@]*$");

  /** Whether {@code code} is a ProductCode MeterUsage accepts: 1..255 characters of {@link #PRODUCT_CODE}. */
  public static boolean isValidProductCode(String code) {
    return !code.isEmpty() && code.length() <= 255 && PRODUCT_CODE.matcher(code).matches();
  }

  public UsageReport {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(updatedAt, "updatedAt");
    allocations = List.copyOf(Objects.requireNonNull(allocations, "allocations"));
    if (quantity < 0 || quantity > MAX_QUANTITY) {
      throw new IllegalArgumentException("quantity must be within 0.." + MAX_QUANTITY + " but was "
          + quantity);
    }
    if (clientToken != null && (clientToken.isEmpty() || clientToken.length() > 64)) {
      throw new IllegalArgumentException("clientToken must be 1..64 characters: " + clientToken);
    }
    if (carriedUnits < 0 || carriedUnits > quantity) {
      throw new IllegalArgumentException("carriedUnits must be within 0..quantity (" + quantity + ") but was "
          + carriedUnits);
    }
  }

  /** A report none of whose units came from the carry pool. */
  public UsageReport(long id, String productCode, String dimension, long epochHour, Instant timestamp,
      long quantity, List<UsageAllocation> allocations, String clientToken, long rangeStart, long rangeEnd,
      ReportState state, int attempts, boolean outcomeUnknown, String meteringRecordId, String reason,
      Instant updatedAt) {
    this(id, productCode, dimension, epochHour, timestamp, quantity, allocations, clientToken, rangeStart,
        rangeEnd, state, attempts, outcomeUnknown, meteringRecordId, reason, updatedAt, 0, null);
  }

  /** A report of a buyer's own account (MeterUsage): no SaaS buyer. */
  public UsageReport(long id, String productCode, String dimension, long epochHour, Instant timestamp,
      long quantity, List<UsageAllocation> allocations, String clientToken, long rangeStart, long rangeEnd,
      ReportState state, int attempts, boolean outcomeUnknown, String meteringRecordId, String reason,
      Instant updatedAt, long carriedUnits) {
    this(id, productCode, dimension, epochHour, timestamp, quantity, allocations, clientToken, rangeStart,
        rangeEnd, state, attempts, outcomeUnknown, meteringRecordId, reason, updatedAt, carriedUnits, null);
  }

  /** The key this report's usage is summed, carried and quarantined under. */
  public UsageKey key() {
    return new UsageKey(buyer, dimension);
  }

  /** The report's own units: its quantity less those carried in from other hours. */
  public long ownUnits() {
    return quantity - carriedUnits;
  }

  /** This report in another state, checked against {@link ReportState#canMoveTo}. */
  public UsageReport moveTo(ReportState next, Instant at) {
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException("report " + id + " cannot move from " + state + " to " + next);
    }
    return new UsageReport(id, productCode, dimension, epochHour, timestamp, quantity, allocations,
        clientToken, rangeStart, rangeEnd, next, attempts, outcomeUnknown, meteringRecordId, reason, at,
        carriedUnits, buyer);
  }

  /** Marks a send as started: IN_FLIGHT, one more attempt. */
  public UsageReport startAttempt(Instant at) {
    UsageReport moved = moveTo(ReportState.IN_FLIGHT, at);
    return new UsageReport(id, productCode, dimension, epochHour, timestamp, quantity, allocations,
        clientToken, rangeStart, rangeEnd, moved.state, attempts + 1, outcomeUnknown, meteringRecordId,
        reason, at, carriedUnits, buyer);
  }

  /** ACCEPTED with AWS's record id. */
  public UsageReport accepted(String recordId, Instant at) {
    moveTo(ReportState.ACCEPTED, at);
    return new UsageReport(id, productCode, dimension, epochHour, timestamp, quantity, allocations,
        clientToken, rangeStart, rangeEnd, ReportState.ACCEPTED, attempts, outcomeUnknown,
        Objects.requireNonNull(recordId, "recordId"), reason, at, carriedUnits, buyer);
  }

  /** Back to FROZEN after a retryable failure; remembers whether the outcome was unknown. */
  public UsageReport retryLater(boolean unknownOutcome, Instant at) {
    moveTo(ReportState.FROZEN, at);
    return new UsageReport(id, productCode, dimension, epochHour, timestamp, quantity, allocations,
        clientToken, rangeStart, rangeEnd, ReportState.FROZEN, attempts, outcomeUnknown || unknownOutcome,
        meteringRecordId, reason, at, carriedUnits, buyer);
  }

  /**
   * A dead letter re-queued by an operator: FROZEN again, byte-identical on the wire, without its
   * reason. The outcome-unknown mark stays: AWS may still hold an earlier send of it.
   */
  public UsageReport requeued(Instant at) {
    moveTo(ReportState.FROZEN, at);
    return new UsageReport(id, productCode, dimension, epochHour, timestamp, quantity, allocations,
        clientToken, rangeStart, rangeEnd, ReportState.FROZEN, attempts, outcomeUnknown, meteringRecordId,
        null, at, carriedUnits, buyer);
  }

  /**
   * The report refused with a DuplicateRequest, as it is dead-lettered: only its own units, none
   * carried, and no longer outcome-unknown, since the refusal proves AWS holds another quantity for
   * the hour and not ours. {@code why} is the reason.
   */
  public UsageReport refusedAsDuplicate(String why, Instant at) {
    moveTo(ReportState.DEAD_LETTERED, at);
    return new UsageReport(id, productCode, dimension, epochHour, timestamp, ownUnits(), allocations,
        clientToken, rangeStart, rangeEnd, ReportState.DEAD_LETTERED, attempts, false, meteringRecordId,
        Objects.requireNonNull(why, "why"), at, 0, buyer);
  }

  /**
   * Whether AWS would take {@code other} for the same record key: no ClientToken, same buyer (none in
   * hourly mode), dimension and hour.
   */
  public boolean sameHourlyKey(UsageReport other) {
    return clientToken == null && other.clientToken == null && dimension.equals(other.dimension)
        && Objects.equals(buyer, other.buyer)
        && productCode.equals(other.productCode)
        && Math.floorDiv(timestamp.getEpochSecond(), 3600) == Math.floorDiv(other.timestamp.getEpochSecond(), 3600);
  }

  /** A final state other than ACCEPTED (CARRIED or DEAD_LETTERED), with its reason. */
  public UsageReport finish(ReportState next, String why, Instant at) {
    if (next != ReportState.CARRIED && next != ReportState.DEAD_LETTERED) {
      throw new IllegalArgumentException("finish() takes CARRIED or DEAD_LETTERED, not " + next);
    }
    moveTo(next, at);
    return new UsageReport(id, productCode, dimension, epochHour, timestamp, quantity, allocations,
        clientToken, rangeStart, rangeEnd, next, attempts, outcomeUnknown, meteringRecordId,
        Objects.requireNonNull(why, "why"), at, carriedUnits, buyer);
  }
}
