package io.hourmeter.aws;

import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The limits of MeterUsage's request shapes in the service model (meteringmarketplace-service-2.json,
 * API 2016-01-14), checked before anything is sent: the SDK does not check them, and a report that
 * breaks one can never be accepted as it is. Stateless; thread-safe.
 */
final class ReportLimits {

  static final int MAX_ALLOCATIONS = 2500;
  static final int MAX_TAGS = 5;
  /** The model's TagKey/TagValue pattern, verbatim (note that {@code " -="} is a range). */
  private static final Pattern TAG_TEXT = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

  private ReportLimits() { }

  /** The first limit {@code report} breaks, described for an operator, or empty when it breaks none. */
  static Optional<String> violation(UsageReport report) {
    String code = report.productCode();
    if (!UsageReport.isValidProductCode(code)) {
      return Optional.of("ProductCode '" + code + "' must be 1..255 characters matching "
          + UsageReport.PRODUCT_CODE.pattern());
    }
    if (report.dimension().isEmpty() || report.dimension().length() > 255) {
      return Optional.of("UsageDimension must be 1..255 characters but has " + report.dimension().length());
    }
    if (report.quantity() < 0 || report.quantity() > UsageReport.MAX_QUANTITY) {
      return Optional.of("UsageQuantity must be within 0.." + UsageReport.MAX_QUANTITY + " but is "
          + report.quantity());
    }
    String token = report.clientToken();
    if (token != null && (token.isEmpty() || token.length() > 64)) {
      return Optional.of("ClientToken must be 1..64 characters but has " + token.length());
    }
    return report.allocations().isEmpty() ? Optional.empty() : allocationViolation(report);
  }

  private static Optional<String> allocationViolation(UsageReport report) {
    int count = report.allocations().size();
    if (count > MAX_ALLOCATIONS) {
      return Optional.of("UsageAllocations must hold 1.." + MAX_ALLOCATIONS + " entries but holds " + count);
    }
    Set<Map<String, String>> tagSets = new HashSet<>();
    long sum = 0;
    for (UsageAllocation allocation : report.allocations()) {
      if (allocation.quantity() > UsageReport.MAX_QUANTITY) {
        return Optional.of("AllocatedUsageQuantity must be within 0.." + UsageReport.MAX_QUANTITY
            + " but is " + allocation.quantity());
      }
      Optional<String> tagProblem = tagViolation(allocation.tags());
      if (tagProblem.isPresent()) {
        return tagProblem;
      }
      if (!tagSets.add(allocation.tags())) {
        return Optional.of("each UsageAllocation needs a distinct tag set, but " + allocation.tags()
            + " appears twice");
      }
      sum += allocation.quantity();
    }
    if (sum != report.quantity()) {
      return Optional.of("UsageAllocations sum to " + sum + " but UsageQuantity is " + report.quantity());
    }
    return Optional.empty();
  }

  private static Optional<String> tagViolation(Map<String, String> tags) {
    if (tags.size() > MAX_TAGS) {
      return Optional.of("a UsageAllocation holds 1.." + MAX_TAGS + " tags but one holds " + tags.size());
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (!fits(tag.getKey(), 100)) {
        return Optional.of("tag Key '" + tag.getKey() + "' must be 1..100 characters matching "
            + TAG_TEXT.pattern());
      }
      if (!fits(tag.getValue(), 256)) {
        return Optional.of("tag Value '" + tag.getValue() + "' of key '" + tag.getKey()
            + "' must be 1..256 characters matching " + TAG_TEXT.pattern());
      }
    }
    return Optional.empty();
  }

  private static boolean fits(String text, int max) {
    return !text.isEmpty() && text.length() <= max && TAG_TEXT.matcher(text).matches();
  }
}
