package io.hourmeter.local;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed MeterUsage request, checked against the limits of the service model
 * ({@code meteringmarketplace-service-2.json}). Immutable.
 *
 * <p>Members are read by {@link WireMembers}, which BatchMeterUsage shares, so both operations answer a
 * broken limit alike: a broken limit on a top-level member (ProductCode, UsageDimension, UsageQuantity,
 * ClientToken, a missing required member) is {@code ValidationException}, as AWS JSON services answer.
 */
record MeterUsageCall(String productCode, Instant timestamp, String dimension, long quantity,
    boolean dryRun, List<AcceptedRecord.Allocation> allocations, String clientToken) {

  private static final Pattern PRODUCT_CODE = Pattern.compile("^[-a-zA-Z0-9/=:_.@]*$");

  /** Parses and validates a request body. */
  static MeterUsageCall parse(String body) throws MeteringError {
    Map<?, ?> members = WireMembers.object(body);
    String productCode = WireMembers.string(members, "ProductCode", "ProductCode", true);
    checkProductCode(productCode);
    Instant timestamp = WireMembers.timestamp(members, "timestamp");
    String dimension = WireMembers.string(members, "UsageDimension", "UsageDimension", true);
    checkDimension(dimension, "usageDimension");
    long quantity = WireMembers.quantity(members, "UsageQuantity", "usageQuantity");
    boolean dryRun = WireMembers.bool(members.get("DryRun"), "DryRun");
    List<AcceptedRecord.Allocation> allocations = WireMembers.allocations(members.get("UsageAllocations"), quantity);
    String token = WireMembers.string(members, "ClientToken", "ClientToken", false);
    if (token != null && (token.isEmpty() || token.length() > 64)) {
      throw MeteringError.validation("1 validation error detected: Value at 'clientToken' failed to "
          + "satisfy constraint: Member must have length between 1 and 64");
    }
    return new MeterUsageCall(productCode, timestamp, dimension, quantity, dryRun, allocations, token);
  }

  /** The model's ProductCode limits: length 0..255 and its pattern; ValidationException otherwise. */
  static void checkProductCode(String productCode) throws MeteringError {
    if (productCode.length() > 255 || !PRODUCT_CODE.matcher(productCode).matches()) {
      throw MeteringError.validation("1 validation error detected: Value '" + productCode
          + "' at 'productCode' failed to satisfy constraint: length 0..255, pattern ^[-a-zA-Z0-9/=:_.@]*$");
    }
  }

  /** The model's UsageDimension limits: length 1..255; ValidationException at {@code path} otherwise. */
  static void checkDimension(String dimension, String path) throws MeteringError {
    if (dimension.isEmpty() || dimension.length() > 255) {
      throw MeteringError.validation("1 validation error detected: Value at '" + path + "' failed to "
          + "satisfy constraint: Member must have length between 1 and 255");
    }
  }

  /** Whether {@code other} carries the same parameters (the token aside), comparing the timestamp exactly. */
  boolean sameParametersAs(AcceptedRecord other) {
    return productCode.equals(other.productCode()) && dimension.equals(other.dimension())
        && timestamp.equals(other.timestamp()) && quantity == other.quantity()
        && allocations.equals(other.allocations());
  }

  /** What the store keeps of this call. */
  MeteringRecords.Usage usage() {
    return new MeteringRecords.Usage(productCode, dimension, timestamp, quantity, allocations, clientToken, null);
  }
}
