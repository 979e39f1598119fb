package io.hourmeter.local;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed MeterUsage request, checked against the limits of the service model
 * ({@code meteringmarketplace-service-2.json}). Immutable.
 *
 * <p>Which error a broken limit gets: a wrong JSON type is {@code SerializationException}; a broken
 * limit on a top-level member (ProductCode, UsageDimension, UsageQuantity, ClientToken, a missing required
 * member) is {@code ValidationException}, as AWS JSON services answer; tag limits are
 * {@code InvalidTagException}; allocation count, sum and distinct tag sets are
 * {@code InvalidUsageAllocationsException}, the two modelled errors for them.
 */
record MeterUsageCall(String productCode, Instant timestamp, String dimension, long quantity,
    boolean dryRun, List<AcceptedRecord.Allocation> allocations, String clientToken) {

  static final long MAX_QUANTITY = Integer.MAX_VALUE;
  private static final Pattern PRODUCT_CODE = Pattern.compile("^[-a-zA-Z0-9/=:_.@]*$");
  /** The model's tag pattern, verbatim: note that {@code " -="} is a range from space to '='. */
  private static final Pattern TAG_TEXT = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

  /** Parses and validates a request body. */
  static MeterUsageCall parse(String body) throws MeteringError {
    Object root;
    try {
      root = Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw MeteringError.badRequest("SerializationException", e.getMessage());
    }
    if (!(root instanceof Map<?, ?> members)) {
      throw MeteringError.badRequest("SerializationException", "the request body must be a JSON object");
    }
    String productCode = string(members, "ProductCode", true);
    if (productCode.length() > 255 || !PRODUCT_CODE.matcher(productCode).matches()) {
      throw MeteringError.validation("1 validation error detected: Value '" + productCode
          + "' at 'productCode' failed to satisfy constraint: length 0..255, pattern ^[-a-zA-Z0-9/=:_.@]*$");
    }
    Instant timestamp = timestamp(members);
    String dimension = string(members, "UsageDimension", true);
    if (dimension.isEmpty() || dimension.length() > 255) {
      throw MeteringError.validation("1 validation error detected: Value at 'usageDimension' failed to "
          + "satisfy constraint: Member must have length between 1 and 255");
    }
    long quantity = members.containsKey("UsageQuantity") ? integer(members.get("UsageQuantity"), "UsageQuantity") : 0;
    if (quantity < 0 || quantity > MAX_QUANTITY) {
      throw MeteringError.validation("1 validation error detected: Value '" + quantity
          + "' at 'usageQuantity' failed to satisfy constraint: Member must be between 0 and " + MAX_QUANTITY);
    }
    boolean dryRun = bool(members.get("DryRun"));
    List<AcceptedRecord.Allocation> allocations = allocations(members.get("UsageAllocations"), quantity);
    String token = string(members, "ClientToken", false);
    if (token != null && (token.isEmpty() || token.length() > 64)) {
      throw MeteringError.validation("1 validation error detected: Value at 'clientToken' failed to "
          + "satisfy constraint: Member must have length between 1 and 64");
    }
    return new MeterUsageCall(productCode, timestamp, dimension, quantity, dryRun, allocations, token);
  }

  /** Whether {@code other} carries the same parameters (the token aside), comparing the timestamp exactly. */
  boolean sameParametersAs(AcceptedRecord other) {
    return productCode.equals(other.productCode()) && dimension.equals(other.dimension())
        && timestamp.equals(other.timestamp()) && quantity == other.quantity()
        && allocations.equals(other.allocations());
  }

  /** Whether {@code other} is identical once both timestamps are rounded down to the hour. */
  boolean identicalAfterRoundingTo(AcceptedRecord other) {
    return productCode.equals(other.productCode()) && dimension.equals(other.dimension())
        && epochHour(timestamp) == epochHour(other.timestamp()) && quantity == other.quantity()
        && allocations.equals(other.allocations());
  }

  static long epochHour(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), 3600);
  }

  private static Instant timestamp(Map<?, ?> members) throws MeteringError {
    Object raw = members.get("Timestamp");
    if (raw == null) {
      throw MeteringError.validation("1 validation error detected: Value null at 'timestamp' failed to "
          + "satisfy constraint: Member must not be null");
    }
    if (!(raw instanceof BigDecimal seconds)) {
      throw MeteringError.badRequest("SerializationException", "Timestamp must be epoch seconds");
    }
    BigDecimal millis = seconds.movePointRight(3);
    try {
      return Instant.ofEpochMilli(millis.setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw MeteringError.badRequest("SerializationException", "Timestamp out of range: " + seconds);
    }
  }

  private static List<AcceptedRecord.Allocation> allocations(Object raw, long quantity) throws MeteringError {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List<?> items)) {
      throw MeteringError.badRequest("SerializationException", "UsageAllocations must be a list");
    }
    if (items.isEmpty() || items.size() > 2500) {
      throw MeteringError.badRequest("InvalidUsageAllocationsException",
          "UsageAllocations must hold 1 to 2500 entries but held " + items.size());
    }
    List<AcceptedRecord.Allocation> allocations = new ArrayList<>(items.size());
    Set<Map<String, String>> tagSets = new HashSet<>();
    long sum = 0;
    for (Object item : items) {
      if (!(item instanceof Map<?, ?> allocation)) {
        throw MeteringError.badRequest("SerializationException", "a UsageAllocation must be an object");
      }
      if (!allocation.containsKey("AllocatedUsageQuantity")) {
        throw MeteringError.validation("AllocatedUsageQuantity is required in every UsageAllocation");
      }
      long allocated = integer(allocation.get("AllocatedUsageQuantity"), "AllocatedUsageQuantity");
      if (allocated < 0 || allocated > MAX_QUANTITY) {
        throw MeteringError.badRequest("InvalidUsageAllocationsException",
            "AllocatedUsageQuantity must be between 0 and " + MAX_QUANTITY + " but was " + allocated);
      }
      Map<String, String> tags = tags(allocation.get("Tags"));
      if (!tagSets.add(tags)) {
        throw MeteringError.badRequest("InvalidUsageAllocationsException",
            "each UsageAllocation must have a distinct set of tags; repeated: " + tags);
      }
      sum += allocated;
      allocations.add(new AcceptedRecord.Allocation(allocated, tags));
    }
    if (sum != quantity) {
      throw MeteringError.badRequest("InvalidUsageAllocationsException",
          "the UsageAllocations sum to " + sum + " but UsageQuantity is " + quantity);
    }
    return List.copyOf(allocations);
  }

  private static Map<String, String> tags(Object raw) throws MeteringError {
    if (raw == null) {
      return Map.of();
    }
    if (!(raw instanceof List<?> items)) {
      throw MeteringError.badRequest("SerializationException", "Tags must be a list");
    }
    if (items.isEmpty() || items.size() > 5) {
      throw MeteringError.badRequest("InvalidTagException", "Tags must hold 1 to 5 tags but held " + items.size());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (Object item : items) {
      if (!(item instanceof Map<?, ?> tag)) {
        throw MeteringError.badRequest("SerializationException", "a Tag must be an object");
      }
      String key = tagText(tag.get("Key"), "Key", 100);
      String value = tagText(tag.get("Value"), "Value", 256);
      if (tags.put(key, value) != null) {
        throw MeteringError.badRequest("InvalidTagException", "tag key " + key + " appears twice");
      }
    }
    return tags;
  }

  private static String tagText(Object raw, String member, int max) throws MeteringError {
    if (!(raw instanceof String text)) {
      throw MeteringError.badRequest("InvalidTagException", "tag " + member + " is required and must be a string");
    }
    if (text.isEmpty() || text.length() > max || !TAG_TEXT.matcher(text).matches()) {
      throw MeteringError.badRequest("InvalidTagException", "tag " + member + " '" + text
          + "' must be 1.." + max + " characters matching ^[a-zA-Z0-9+ -=._:\\/@]+$");
    }
    return text;
  }

  private static String string(Map<?, ?> members, String name, boolean required) throws MeteringError {
    Object raw = members.get(name);
    if (raw == null) {
      if (required) {
        throw MeteringError.validation("1 validation error detected: Value null at '" + name
            + "' failed to satisfy constraint: Member must not be null");
      }
      return null;
    }
    if (!(raw instanceof String text)) {
      throw MeteringError.badRequest("SerializationException", name + " must be a string");
    }
    return text;
  }

  private static long integer(Object raw, String name) throws MeteringError {
    if (!(raw instanceof BigDecimal number)) {
      throw MeteringError.badRequest("SerializationException", name + " must be a number");
    }
    try {
      return number.longValueExact();
    } catch (ArithmeticException e) {
      throw MeteringError.badRequest("SerializationException", name + " must be an integer within range");
    }
  }

  private static boolean bool(Object raw) throws MeteringError {
    if (raw == null) {
      return false;
    }
    if (!(raw instanceof Boolean flag)) {
      throw MeteringError.badRequest("SerializationException", "DryRun must be a boolean");
    }
    return flag;
  }
}
