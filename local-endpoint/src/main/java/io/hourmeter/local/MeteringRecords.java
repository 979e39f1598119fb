package io.hourmeter.local;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The metering semantics of both operations over one in-memory store: product and dimension checks,
 * entitlement and subscriptions, the time windows, and the dedup rules. Knows nothing of HTTP.
 *
 * <p>One store holds records of either kind, keyed by {@link RecordKey} (product, buyer, dimension,
 * period): MeterUsage without a ClientToken dedupes per hour with no buyer (the caller's own account);
 * BatchMeterUsage per minute and buyer, since it ignores a Timestamp's seconds. In both, an identical
 * record (same key, quantity and allocations) is idempotent and returns the first record's id, and
 * another quantity conflicts: {@code DuplicateRequestException} for MeterUsage, the per-record status
 * {@code DuplicateRecord} for BatchMeterUsage. A ClientToken (AgentCore) is its own key.
 *
 * <p>Thread-safe: every method is synchronized, so concurrent requests see one order, and a batch is
 * checked and recorded as one step.
 */
final class MeteringRecords {

  /**
   * What identifies a record for dedup.
   *
   * @param productCode the product
   * @param buyer       the buyer's {@link Subscriptions.Subscription#id()}, or {@code null} for MeterUsage
   * @param dimension   the dimension
   * @param period      the Timestamp truncated to the operation's granularity (hour or minute)
   */
  record RecordKey(String productCode, Integer buyer, String dimension, Instant period) { }

  /** How a record met the store: newly stored, identical to a stored one, or in conflict with it. */
  enum Match { NEW, IDENTICAL, CONFLICT }

  /**
   * The store's answer for one record.
   *
   * @param match  how it met the store
   * @param record the record stored now, or the earlier one it matched or conflicted with
   */
  record Metered(Match match, AcceptedRecord record) { }

  private final Map<String, Set<String>> products;
  private final Set<String> notEntitled;
  private final InstantSource clock;
  private final Duration window;
  private final BatchWindow batchWindow;
  private final Instant softwareStartedAt;
  private final Subscriptions subscriptions;
  private final List<AcceptedRecord> accepted = new ArrayList<>();
  private final Map<RecordKey, AcceptedRecord> byKey = new HashMap<>();
  private final Map<String, AcceptedRecord> byToken = new HashMap<>();
  private final String idPrefix = String.format("%08x", new java.security.SecureRandom().nextInt());
  private long sequence;

  MeteringRecords(Map<String, Set<String>> products, Set<String> notEntitled, InstantSource clock,
      Duration window, Instant softwareStartedAt, Duration batchWindow, Subscriptions subscriptions) {
    this.products = Map.copyOf(products);
    this.notEntitled = Set.copyOf(notEntitled);
    this.clock = clock;
    this.window = window;
    this.softwareStartedAt = softwareStartedAt;
    this.batchWindow = new BatchWindow(batchWindow);
    this.subscriptions = subscriptions;
  }

  /** Handles a (non-DryRun) MeterUsage call and returns its MeteringRecordId. */
  synchronized String meter(MeterUsageCall call) throws MeteringError {
    checkDimension(entitledDimensions(call.productCode()), call.dimension());
    checkWindow(call.timestamp());
    return call.clientToken() != null ? byToken(call) : byHour(call);
  }

  /**
   * The dimensions of a product the caller is entitled to: InvalidProductCodeException for a product
   * this endpoint does not know, CustomerNotEntitledException for one marked not entitled. MeterUsage
   * and RegisterUsage check their product code alike through this.
   */
  synchronized Set<String> entitledDimensions(String productCode) throws MeteringError {
    Set<String> dimensions = productDimensions(productCode);
    if (notEntitled.contains(productCode)) {
      throw MeteringError.badRequest("CustomerNotEntitledException",
          "The customer is not entitled to product " + productCode + ".");
    }
    return dimensions;
  }

  /**
   * Handles a BatchMeterUsage call. Whole-call errors come first (product, dimensions, licenses, the
   * window for every record); then each record, unless {@code leaveUnprocessed} says the service left
   * it for a retry, is CustomerNotSubscribed, Success (new or identical) or DuplicateRecord.
   */
  synchronized BatchMeterUsageAnswer batchMeter(BatchMeterUsageCall call, BooleanSupplier leaveUnprocessed)
      throws MeteringError {
    String product = call.productCode() != null ? call.productCode() : subscriptions.productOfLicenses(call.records());
    Set<String> dimensions = product == null ? null : productDimensions(product);
    if (product != null) {
      for (BatchMeterUsageCall.UsageRecord record : call.records()) {
        checkDimension(dimensions, record.dimension());
      }
      subscriptions.checkLicenses(product, call.records());
    }
    Instant now = clock.instant();
    for (BatchMeterUsageCall.UsageRecord record : call.records()) {
      String problem = batchWindow.problem(record.minute(), now);
      if (problem != null) {
        throw MeteringError.badRequest("TimestampOutOfBoundsException",
            "The timestamp " + record.timestamp() + " " + problem + "; no record of the batch was processed.");
      }
    }
    BatchMeterUsageAnswer.Builder answer = new BatchMeterUsageAnswer.Builder();
    for (BatchMeterUsageCall.UsageRecord record : call.records()) {
      if (leaveUnprocessed.getAsBoolean()) {
        answer.unprocessed(record);
        continue;
      }
      Subscriptions.Subscription buyer = product == null ? null : subscriptions.find(product, record.customer());
      if (buyer == null) {
        answer.result(record, "CustomerNotSubscribed", null);
        continue;
      }
      Metered metered = meterOnce(new RecordKey(product, buyer.id(), record.dimension(), record.minute()),
          new Usage(product, record.dimension(), record.timestamp(), record.quantity(), record.allocations(),
              null, record.customer()));
      answer.result(record, metered.match() == Match.CONFLICT ? "DuplicateRecord" : "Success",
          metered.match() == Match.CONFLICT ? null : metered.record().recordId());
    }
    return answer.build();
  }

  /** Subscribes a SaaS buyer to a product of this endpoint. */
  synchronized void subscribe(String productCode, SaasCustomer customer) {
    subscriptions.subscribe(requireProduct(productCode, "subscriber"), customer);
  }

  /** Subscribes a SaaS buyer and lets ResolveCustomer resolve {@code token} to it. */
  synchronized void register(String token, String productCode, SaasCustomer customer) {
    subscriptions.register(token, requireProduct(productCode, "registration"), customer);
  }

  private String requireProduct(String productCode, String option) {
    if (!products.containsKey(productCode)) {
      throw new IllegalArgumentException(option + ": " + productCode + " is not a product of this endpoint");
    }
    return productCode;
  }

  /** Makes ResolveCustomer answer {@code token} with ExpiredTokenException. */
  synchronized void expireRegistration(String token) {
    subscriptions.expireRegistration(token);
  }

  /** Answers ResolveCustomer for a registration token. */
  synchronized String resolveCustomer(String token) throws MeteringError {
    return subscriptions.resolve(token);
  }

  /** Ends a SaaS buyer's subscription. */
  synchronized void unsubscribe(String productCode, SaasCustomer customer) {
    subscriptions.unsubscribe(productCode, customer);
  }

  /** Stores a MeterUsage record as if another process had already sent it, bypassing checks and faults. */
  synchronized AcceptedRecord preRecord(String productCode, String dimension, Instant timestamp,
      long quantity, String clientToken) {
    Usage usage = new Usage(productCode, dimension, timestamp, quantity, List.of(), clientToken, null);
    if (clientToken != null) {
      AcceptedRecord earlier = byToken.get(clientToken);
      if (earlier != null) {
        throw new IllegalStateException("already recorded: " + earlier);
      }
      AcceptedRecord record = store(usage);
      byToken.put(clientToken, record);
      return record;
    }
    return preRecord(hourKey(productCode, dimension, timestamp), usage);
  }

  /** Stores a BatchMeterUsage record of a subscribed buyer as if another process had already sent it. */
  synchronized AcceptedRecord preRecord(String productCode, SaasCustomer customer, String dimension,
      Instant timestamp, long quantity) {
    Subscriptions.Subscription buyer = subscriptions.find(productCode, customer);
    if (buyer == null) {
      throw new IllegalArgumentException(customer + " is not subscribed to " + productCode);
    }
    return preRecord(new RecordKey(productCode, buyer.id(), dimension, timestamp.truncatedTo(ChronoUnit.MINUTES)),
        new Usage(productCode, dimension, timestamp, quantity, List.of(), null, customer));
  }

  synchronized List<AcceptedRecord> accepted() {
    return List.copyOf(accepted);
  }

  private AcceptedRecord preRecord(RecordKey key, Usage usage) {
    Metered metered = meterOnce(key, usage);
    if (metered.match() != Match.NEW) {
      throw new IllegalStateException("already recorded: " + metered.record());
    }
    return metered.record();
  }

  private Set<String> productDimensions(String productCode) throws MeteringError {
    Set<String> dimensions = products.get(productCode);
    if (dimensions == null) {
      throw MeteringError.badRequest("InvalidProductCodeException",
          "The product code " + productCode + " is invalid.");
    }
    return dimensions;
  }

  private static void checkDimension(Set<String> dimensions, String dimension) throws MeteringError {
    if (!dimensions.contains(dimension)) {
      throw MeteringError.badRequest("InvalidUsageDimensionException",
          "The usage dimension " + dimension + " does not match one of the product's dimensions.");
    }
  }

  private String byToken(MeterUsageCall call) throws MeteringError {
    AcceptedRecord earlier = byToken.get(call.clientToken());
    if (earlier == null) {
      AcceptedRecord record = store(call.usage());
      byToken.put(call.clientToken(), record);
      return record.recordId();
    }
    if (call.sameParametersAs(earlier)) {
      return earlier.recordId();
    }
    throw new MeteringError("IdempotencyConflictException", 409, "The ClientToken " + call.clientToken()
        + " was already used with different parameters.");
  }

  private String byHour(MeterUsageCall call) throws MeteringError {
    Metered metered = meterOnce(hourKey(call.productCode(), call.dimension(), call.timestamp()), call.usage());
    if (metered.match() == Match.CONFLICT) {
      throw MeteringError.badRequest("DuplicateRequestException", "Usage for dimension " + call.dimension()
          + " in the hour of " + call.timestamp() + " was already recorded with quantity "
          + metered.record().quantity() + ".");
    }
    return metered.record().recordId();
  }

  /** The one dedup rule: a new key is stored; a stored key is identical or in conflict. */
  private Metered meterOnce(RecordKey key, Usage usage) {
    AcceptedRecord earlier = byKey.get(key);
    if (earlier == null) {
      AcceptedRecord record = store(usage);
      byKey.put(key, record);
      return new Metered(Match.NEW, record);
    }
    boolean identical = earlier.quantity() == usage.quantity() && earlier.allocations().equals(usage.allocations());
    return new Metered(identical ? Match.IDENTICAL : Match.CONFLICT, earlier);
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

  private AcceptedRecord store(Usage usage) {
    AcceptedRecord record = new AcceptedRecord(recordId(++sequence), usage.productCode(), usage.dimension(),
        usage.timestamp(), usage.quantity(), usage.allocations(), usage.clientToken(), clock.instant(),
        usage.customer());
    accepted.add(record);
    return record;
  }

  private static RecordKey hourKey(String productCode, String dimension, Instant timestamp) {
    return new RecordKey(productCode, null, dimension, timestamp.truncatedTo(ChronoUnit.HOURS));
  }

  /** A record id shaped like AWS's (a UUID): a random prefix per endpoint, then a sequence. */
  private String recordId(long n) {
    return String.format("%s-0000-4000-8000-%012d", idPrefix, n);
  }

  /**
   * What a record to store carries, of either operation.
   *
   * @param customer the buyer as named on the wire, or {@code null} for MeterUsage
   */
  record Usage(String productCode, String dimension, Instant timestamp, long quantity,
      List<AcceptedRecord.Allocation> allocations, String clientToken, SaasCustomer customer) { }
}
