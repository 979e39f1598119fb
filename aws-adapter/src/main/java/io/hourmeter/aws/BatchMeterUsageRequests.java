package io.hourmeter.aws;

import io.hourmeter.Buyer;
import io.hourmeter.aws.LicenseArnShim.LicensedRecord;
import io.hourmeter.aws.LicenseArnShim.RecordIdentity;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Builds BatchMeterUsage requests from frozen SaaS reports, and nothing but the reports, so a report
 * gives the same record bytes on every call, whichever reports share it: Timestamp (the hour's start),
 * the buyer in its one form ({@code CustomerIdentifier}, or {@code CustomerAWSAccountId} with the
 * {@code LicenseArn}, which {@link LicenseArnShim} adds), Dimension, Quantity, and the allocations
 * with tags sorted by key as {@link MeterUsageRequests} sends them.
 *
 * <p>Every request carries {@code ProductCode}, the reports' product code. The model makes it optional
 * (licenses name their product, "LicenseArn instead of ProductCode") but one call is for one product
 * whatever the buyers' forms, and account-only and CustomerIdentifier buyers need it; sending it always
 * keeps one request shape for every buyer form, and the service checks that the licenses belong to it
 * ({@code InvalidLicenseException} otherwise).
 *
 * <p>{@link #recordBytes} and {@link #envelopeBytes} give the exact size of the JSON the call carries,
 * written the way the SDK's marshaller and the shim write it (the same Jackson generator), so a call is
 * cut before it reaches the 1 MB limit without marshalling it. Stateless; thread-safe.
 */
final class BatchMeterUsageRequests {

  private BatchMeterUsageRequests() { }

  /** The request for {@code reports}, all of one product, each with a buyer and a distinct identity. */
  static BatchMeterUsageRequest of(List<UsageReport> reports) {
    return LicenseArnShim.request(reports.get(0).productCode(),
        reports.stream().map(r -> new LicensedRecord(record(r), r.buyer().licenseArn())).toList());
  }

  /** The SDK record of {@code report} (which has a buyer), without its LicenseArn. */
  static UsageRecord record(UsageReport report) {
    Buyer buyer = report.buyer();
    UsageRecord.Builder record = UsageRecord.builder()
        .timestamp(report.timestamp())
        .dimension(report.dimension())
        .quantity(Math.toIntExact(report.quantity()));
    if (buyer.customerIdentifier() != null) {
      record.customerIdentifier(buyer.customerIdentifier());
    } else {
      record.customerAWSAccountId(buyer.awsAccountId());
    }
    if (!report.allocations().isEmpty()) {
      record.usageAllocations(MeterUsageRequests.allocations(report.allocations()));
    }
    return record.build();
  }

  /**
   * What tells {@code report}'s record from the others of a call, for the service and for matching its
   * result: buyer (without the LicenseArn, which the SDK drops from results), dimension and minute.
   * {@code null} for a report without a buyer.
   */
  static RecordIdentity identity(UsageReport report) {
    Buyer buyer = report.buyer();
    if (buyer == null) {
      return null;
    }
    return new RecordIdentity(buyer.customerIdentifier(), buyer.awsAccountId(), report.dimension(),
        report.timestamp().truncatedTo(ChronoUnit.MINUTES));
  }

  /** The bytes of {@code productCode}'s request with no records: {@code {"ProductCode":"..","UsageRecords":[]}}. */
  static int envelopeBytes(String productCode) {
    JsonWriter json = JsonWriter.create();
    json.writeStartObject();
    json.writeFieldName("ProductCode").writeValue(productCode);
    json.writeFieldName("UsageRecords").writeStartArray().writeEndArray();
    json.writeEndObject();
    return json.getBytes().length;
  }

  /** The bytes of {@code report}'s record in the request, LicenseArn included; a buyer-less one as if it had none. */
  static int recordBytes(UsageReport report) {
    Buyer buyer = report.buyer();
    JsonWriter json = JsonWriter.create();
    json.writeStartObject();
    json.writeFieldName("Timestamp").writeValue(report.timestamp());
    if (buyer != null && buyer.customerIdentifier() != null) {
      json.writeFieldName("CustomerIdentifier").writeValue(buyer.customerIdentifier());
    }
    json.writeFieldName("Dimension").writeValue(report.dimension());
    json.writeFieldName("Quantity").writeValue(report.quantity());
    if (!report.allocations().isEmpty()) {
      json.writeFieldName("UsageAllocations").writeStartArray();
      for (UsageAllocation allocation : report.allocations()) {
        writeAllocation(allocation, json);
      }
      json.writeEndArray();
    }
    if (buyer != null && buyer.awsAccountId() != null) {
      json.writeFieldName("CustomerAWSAccountId").writeValue(buyer.awsAccountId());
    }
    if (buyer != null && buyer.licenseArn() != null) {
      json.writeFieldName("LicenseArn").writeValue(buyer.licenseArn());
    }
    json.writeEndObject();
    return json.getBytes().length;
  }

  private static void writeAllocation(UsageAllocation allocation, JsonWriter json) {
    json.writeStartObject();
    json.writeFieldName("AllocatedUsageQuantity").writeValue(allocation.quantity());
    if (!allocation.tags().isEmpty()) {
      json.writeFieldName("Tags").writeStartArray();
      for (Map.Entry<String, String> tag : new TreeMap<>(allocation.tags()).entrySet()) {
        json.writeStartObject();
        json.writeFieldName("Key").writeValue(tag.getKey());
        json.writeFieldName("Value").writeValue(tag.getValue());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }
}
