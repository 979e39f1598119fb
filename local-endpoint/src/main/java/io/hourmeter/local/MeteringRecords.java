package io.hourmeter.local;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MeterUsage's semantics over an in-memory store: product and dimension checks, entitlement, the
 * time window, and the two dedup rules (hourly rounding without a ClientToken; the token as the key with
 * one). Knows nothing of HTTP.
 *
 * <p>Thread-safe: every method is synchronized, so concurrent requests see one order.
 */
final class MeteringRecords {

  private final Map<String, Set<String>> products;
  private final Set<String> notEntitled;
  private final InstantSource clock;
  private final Duration window;
  private final Instant softwareStartedAt;
  private final List<AcceptedRecord> accepted = new ArrayList<>();
  private final Map<String, AcceptedRecord> byHour = new HashMap<>();
  private final Map<String, AcceptedRecord> byToken = new HashMap<>();
  private final String idPrefix = String.format("%08x", new java.security.SecureRandom().nextInt());
  private long sequence;

  MeteringRecords(Map<String, Set<String>> products, Set<String> notEntitled, InstantSource clock,
      Duration window, Instant softwareStartedAt) {
    this.products = Map.copyOf(products);
    this.notEntitled = Set.copyOf(notEntitled);
    this.clock = clock;
    this.window = window;
    this.softwareStartedAt = softwareStartedAt;
  }

  /** Handles a (non-DryRun) MeterUsage call and returns its MeteringRecordId. */
  synchronized String meter(MeterUsageCall call) throws MeteringError {
    Set<String> dimensions = products.get(call.productCode());
    if (dimensions == null) {
      throw MeteringError.badRequest("InvalidProductCodeException",
          "The product code " + call.productCode() + " is invalid.");
    }
    if (notEntitled.contains(call.productCode())) {
      throw MeteringError.badRequest("CustomerNotEntitledException",
          "The customer is not entitled to product " + call.productCode() + ".");
    }
    if (!dimensions.contains(call.dimension())) {
      throw MeteringError.badRequest("InvalidUsageDimensionException",
          "The usage dimension " + call.dimension() + " does not match one of the product's dimensions.");
    }
    checkWindow(call.timestamp());
    return call.clientToken() != null ? byToken(call) : byHour(call);
  }

  /** Stores a record as if another process had already sent it, bypassing checks and faults. */
  synchronized AcceptedRecord preRecord(String productCode, String dimension, Instant timestamp,
      long quantity, String clientToken) {
    MeterUsageCall call = new MeterUsageCall(productCode, timestamp, dimension, quantity, false, List.of(),
        clientToken);
    String key = clientToken != null ? clientToken : hourKey(call);
    AcceptedRecord earlier = clientToken != null ? byToken.get(key) : byHour.get(key);
    if (earlier != null) {
      throw new IllegalStateException("already recorded: " + earlier);
    }
    return store(call);
  }

  synchronized List<AcceptedRecord> accepted() {
    return List.copyOf(accepted);
  }

  private String byToken(MeterUsageCall call) throws MeteringError {
    AcceptedRecord earlier = byToken.get(call.clientToken());
    if (earlier == null) {
      return store(call).recordId();
    }
    if (call.sameParametersAs(earlier)) {
      return earlier.recordId();
    }
    throw new MeteringError("IdempotencyConflictException", 409, "The ClientToken " + call.clientToken()
        + " was already used with different parameters.");
  }

  private String byHour(MeterUsageCall call) throws MeteringError {
    AcceptedRecord earlier = byHour.get(hourKey(call));
    if (earlier == null) {
      return store(call).recordId();
    }
    if (call.identicalAfterRoundingTo(earlier)) {
      return earlier.recordId();
    }
    throw MeteringError.badRequest("DuplicateRequestException", "Usage for dimension " + call.dimension()
        + " in the hour of " + call.timestamp() + " was already recorded with quantity "
        + earlier.quantity() + ".");
  }

  private void checkWindow(Instant timestamp) throws MeteringError {
    Instant now = clock.instant();
    String problem = null;
    if (timestamp.isAfter(now)) {
      problem = "is in the future (now " + now + ")";
    } else if (timestamp.isBefore(now.minus(window))) {
      problem = "is more than " + window.toHours() + " hours in the past (now " + now + ")";
    } else if (softwareStartedAt != null && timestamp.isBefore(softwareStartedAt)) {
      problem = "is before the software started at " + softwareStartedAt;
    }
    if (problem != null) {
      throw MeteringError.badRequest("TimestampOutOfBoundsException",
          "The timestamp " + timestamp + " " + problem + ".");
    }
  }

  private AcceptedRecord store(MeterUsageCall call) {
    AcceptedRecord record = new AcceptedRecord(recordId(++sequence), call.productCode(), call.dimension(),
        call.timestamp(), call.quantity(), call.allocations(), call.clientToken(), clock.instant());
    accepted.add(record);
    if (call.clientToken() != null) {
      byToken.put(call.clientToken(), record);
    } else {
      byHour.put(hourKey(call), record);
    }
    return record;
  }

  private static String hourKey(MeterUsageCall call) {
    return call.productCode() + '\u0000' + call.dimension() + '\u0000' + MeterUsageCall.epochHour(call.timestamp());
  }

  /** A record id shaped like AWS's (a UUID): a random prefix per endpoint, then a sequence. */
  private String recordId(long n) {
    return String.format("%s-0000-4000-8000-%012d", idPrefix, n);
  }
}
