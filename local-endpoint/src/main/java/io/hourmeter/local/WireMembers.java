package io.hourmeter.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the members that MeterUsage and BatchMeterUsage share from a parsed AWS JSON 1.1 body, with the
 * model's types and limits: strings, int32 quantities, epoch-second timestamps, and UsageAllocations
 * with their Tags. One reader for both operations, so the two answer a broken limit alike.
 *
 * <p>Which error a broken limit gets: a wrong JSON type is {@code SerializationException}; a missing
 * required member or a broken length or range is {@code ValidationException} naming the member's path
 * (for example {@code usageRecords.1.member.quantity}), as AWS JSON services answer; tag limits are
 * {@code InvalidTagException}; allocation count, sum and distinct tag sets are
 * {@code InvalidUsageAllocationsException}, the two modelled errors for them.
 *
 * <p>Stateless; thread-safe.
 */
final class WireMembers {

  static final long MAX_QUANTITY = Integer.MAX_VALUE;
  /** The model's tag pattern, verbatim: note that {@code " -="} is a range from space to '='. */
  private static final Pattern TAG_TEXT = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

  private WireMembers() { }

  /** The body as a JSON object, or SerializationException. */
  static Map<?, ?> object(String body) throws MeteringError {
    Object root;
    try {
      root = Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw MeteringError.badRequest("SerializationException", e.getMessage());
    }
    if (!(root instanceof Map<?, ?> members)) {
      throw MeteringError.badRequest("SerializationException", "the request body must be a JSON object");
    }
    return members;
  }

  /** A string member; {@code null} when absent and not required. */
  static String string(Map<?, ?> members, String name, String path, boolean required) throws MeteringError {
    Object raw = members.get(name);
    if (raw == null) {
      if (required) {
        throw MeteringError.validation("1 validation error detected: Value null at '" + path
            + "' failed to satisfy constraint: Member must not be null");
      }
      return null;
    }
    if (!(raw instanceof String text)) {
      throw MeteringError.badRequest("SerializationException", name + " must be a string");
    }
    return text;
  }

  /** A quantity member, default 0, within the model's 0..int32. */
  static long quantity(Map<?, ?> members, String name, String path) throws MeteringError {
    long quantity = members.containsKey(name) ? integer(members.get(name), name) : 0;
    if (quantity < 0 || quantity > MAX_QUANTITY) {
      throw MeteringError.validation("1 validation error detected: Value '" + quantity + "' at '" + path
          + "' failed to satisfy constraint: Member must be between 0 and " + MAX_QUANTITY);
    }
    return quantity;
  }

  /** The required {@code Timestamp} member: epoch seconds, kept to the millisecond. */
  static Instant timestamp(Map<?, ?> members, String path) throws MeteringError {
    Object raw = members.get("Timestamp");
    if (raw == null) {
      throw MeteringError.validation("1 validation error detected: Value null at '" + path
          + "' failed to satisfy constraint: Member must not be null");
    }
    if (!(raw instanceof BigDecimal seconds)) {
      throw MeteringError.badRequest("SerializationException", "Timestamp must be epoch seconds");
    }
    BigDecimal millis = seconds.movePointRight(3);
    try {
      return Instant.ofEpochMilli(millis.setScale(0, RoundingMode.FLOOR).longValueExact());
    } catch (ArithmeticException | DateTimeException e) {
      throw MeteringError.badRequest("SerializationException", "Timestamp out of range: " + seconds);
    }
  }

  /** The optional {@code UsageAllocations}, which must sum to {@code quantity}; empty when absent. */
  static List<AcceptedRecord.Allocation> allocations(Object raw, long quantity) throws MeteringError {
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

  static long integer(Object raw, String name) throws MeteringError {
    if (!(raw instanceof BigDecimal number)) {
      throw MeteringError.badRequest("SerializationException", name + " must be a number");
    }
    try {
      return number.longValueExact();
    } catch (ArithmeticException e) {
      throw MeteringError.badRequest("SerializationException", name + " must be an integer within range");
    }
  }

  static boolean bool(Object raw, String name) throws MeteringError {
    if (raw == null) {
      return false;
    }
    if (!(raw instanceof Boolean flag)) {
      throw MeteringError.badRequest("SerializationException", name + " must be a boolean");
    }
    return flag;
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
}
