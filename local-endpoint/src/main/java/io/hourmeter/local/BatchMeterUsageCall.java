package io.hourmeter.local;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed BatchMeterUsage request, checked against the limits of the service model: at most 25
 * UsageRecords, a body under 1 MB, and each record's members by {@link WireMembers}, the reader that
 * MeterUsage uses too. A broken limit rejects the whole call with {@code ValidationException} naming
 * the member's path ({@code usageRecords.3.member.dimension}, 1-based as AWS writes it). Immutable.
 *
 * <p>{@code ProductCode} is optional in the model: products created since 2026-06-01 identify the
 * product by the records' {@code LicenseArn} instead, and a request may still carry it alongside.
 * Without ProductCode, every record must carry a LicenseArn. Two more choices the model leaves open,
 * made here: a record must name exactly one of
 * {@code CustomerIdentifier} and {@code CustomerAWSAccountId}, and a {@code LicenseArn} needs the
 * account; and the 1 MB limit, like the other limits, is a {@code ValidationException}.
 *
 * @param productCode the ProductCode, or {@code null} when the request has none
 * @param records     the UsageRecords, in request order
 */
record BatchMeterUsageCall(String productCode, List<UsageRecord> records) {

  static final int MAX_RECORDS = 25;
  /** The request must be less than this many bytes. */
  static final int MAX_BYTES = 1 << 20;

  /**
   * One UsageRecord.
   *
   * @param wire        the record's members as received, echoed in the answer
   * @param timestamp   the Timestamp as sent
   * @param customer    the buyer as named on the wire
   * @param dimension   the Dimension
   * @param quantity    the Quantity (default 0)
   * @param allocations the UsageAllocations; empty when none were sent
   */
  record UsageRecord(Map<?, ?> wire, Instant timestamp, SaasCustomer customer, String dimension, long quantity,
      List<AcceptedRecord.Allocation> allocations) {

    /** The Timestamp with its seconds and milliseconds dropped, as BatchMeterUsage ignores them. */
    Instant minute() {
      return timestamp.truncatedTo(ChronoUnit.MINUTES);
    }
  }

  /** Parses and validates a request body. */
  static BatchMeterUsageCall parse(String body) throws MeteringError {
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    if (bytes >= MAX_BYTES) {
      throw MeteringError.validation("1 validation error detected: the request must be less than 1 MB ("
          + MAX_BYTES + " bytes) but was " + bytes + " bytes");
    }
    Map<?, ?> members = WireMembers.object(body);
    String productCode = WireMembers.string(members, "ProductCode", "productCode", false);
    if (productCode != null) {
      MeterUsageCall.checkProductCode(productCode);
    }
    Object raw = members.get("UsageRecords");
    if (raw == null) {
      throw MeteringError.validation("1 validation error detected: Value null at 'usageRecords' failed to "
          + "satisfy constraint: Member must not be null");
    }
    if (!(raw instanceof List<?> items)) {
      throw MeteringError.badRequest("SerializationException", "UsageRecords must be a list");
    }
    if (items.size() > MAX_RECORDS) {
      throw MeteringError.validation("1 validation error detected: Value at 'usageRecords' failed to "
          + "satisfy constraint: Member must have length less than or equal to " + MAX_RECORDS);
    }
    List<UsageRecord> records = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      records.add(record(items.get(i), "usageRecords." + (i + 1) + ".member."));
      if (productCode == null && records.get(i).customer().licenseArn() == null) {
        throw MeteringError.validation("1 validation error detected: ProductCode is required unless every "
            + "record carries a LicenseArn, but usageRecords." + (i + 1) + " has none");
      }
    }
    return new BatchMeterUsageCall(productCode, List.copyOf(records));
  }

  private static UsageRecord record(Object item, String path) throws MeteringError {
    if (!(item instanceof Map<?, ?> members)) {
      throw MeteringError.badRequest("SerializationException", "a UsageRecord must be an object");
    }
    Instant timestamp = WireMembers.timestamp(members, path + "timestamp");
    String dimension = WireMembers.string(members, "Dimension", path + "dimension", true);
    MeterUsageCall.checkDimension(dimension, path + "dimension");
    long quantity = WireMembers.quantity(members, "Quantity", path + "quantity");
    List<AcceptedRecord.Allocation> allocations = WireMembers.allocations(members.get("UsageAllocations"), quantity);
    return new UsageRecord(members, timestamp, customer(members, path), dimension, quantity, allocations);
  }

  private static SaasCustomer customer(Map<?, ?> members, String path) throws MeteringError {
    String identifier = WireMembers.string(members, "CustomerIdentifier", path + "customerIdentifier", false);
    String account = WireMembers.string(members, "CustomerAWSAccountId", path + "customerAWSAccountId", false);
    String license = WireMembers.string(members, "LicenseArn", path + "licenseArn", false);
    if ((identifier == null) == (account == null)) {
      throw MeteringError.validation("1 validation error detected: exactly one of CustomerIdentifier and "
          + "CustomerAWSAccountId is required at '" + path.substring(0, path.length() - 1) + "'");
    }
    if (identifier != null && identifier.length() > 255) {
      throw MeteringError.validation("1 validation error detected: Value at '" + path + "customerIdentifier' "
          + "failed to satisfy constraint: Member must have length less than or equal to 255");
    }
    if (account != null && !SaasCustomer.validAccountId(account)) {
      throw MeteringError.validation("1 validation error detected: Value '" + account + "' at '" + path
          + "customerAWSAccountId' failed to satisfy constraint: length 1..255, pattern ^[0-9]+$");
    }
    if (license != null && account == null) {
      throw MeteringError.validation("1 validation error detected: LicenseArn at '" + path
          + "licenseArn' needs CustomerAWSAccountId");
    }
    if (license != null && !SaasCustomer.LICENSE_ARN.matcher(license).matches()) {
      throw MeteringError.validation("1 validation error detected: Value '" + license + "' at '" + path
          + "licenseArn' failed to satisfy constraint: Member must satisfy regular expression pattern: "
          + SaasCustomer.LICENSE_ARN.pattern());
    }
    return new SaasCustomer(identifier, account, license);
  }
}
