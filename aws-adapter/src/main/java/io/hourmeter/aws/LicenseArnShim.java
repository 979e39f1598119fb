package io.hourmeter.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Carries what the service model of 2026-08 has and the SDK served here
 * ({@code marketplacemetering} 2.41.0; 2.42.0, 2.45.0 and 2.57.0 do not resolve) lacks: a UsageRecord's
 * {@code LicenseArn}, ResolveCustomer's {@code LicenseArn}, and {@code InvalidLicenseException}.
 * <b>A building block, package-private on purpose, to be removed</b> once the SDK gains
 * {@code UsageRecord.licenseArn}: {@code LicenseArnShimTest.theSdkStillLacksLicenseArn} fails then.
 *
 * <ul>
 *   <li><b>BatchMeterUsage.</b> {@link #request} builds the SDK request and attaches each record's
 *       LicenseArn in an execution attribute, keyed by {@link RecordIdentity}: buyer, dimension and
 *       the Timestamp's minute, which is how the service tells records apart (it ignores seconds).
 *       Before SigV4 signs the request, {@link #rewrite} reads the marshalled JSON, finds each record's
 *       license by that identity (never by position: the marshaller's order is not a contract) and
 *       writes {@code LicenseArn} into the record. Two records of one call with the same identity and
 *       different licenses cannot be told apart, on the way out or in the results, so
 *       {@link #request} refuses them: they go in separate calls. The same identity matches each
 *       {@code UsageRecordResult} (whose echoed record the SDK parses without LicenseArn) back to its
 *       record and so to its license. A license attached for a record the marshalled body lacks fails
 *       the call with {@code IllegalStateException} before anything is sent.</li>
 *   <li><b>ResolveCustomer.</b> {@link #resolveCustomer} reads {@code LicenseArn} from the raw reply
 *       before the unmarshaller drops it.</li>
 *   <li><b>InvalidLicenseException</b> has no SDK class; the SDK throws its service exception with the
 *       error code, and {@link #isInvalidLicense} classifies by that code.</li>
 * </ul>
 * Requests without the shim's attributes pass untouched, so the interceptor sits on every client
 * ({@link AwsUsageSubmitter#clientOverrides()}); the BatchMeterUsage submitter's
 * {@link BatchMeterUsageOperation} is its user.
 *
 * <p>Stateless apart from per-request execution attributes; thread-safe.
 */
final class LicenseArnShim extends MarshalledBodyRewrite {

  /** The error code of the model's InvalidLicenseException. */
  static final String INVALID_LICENSE = "InvalidLicenseException";

  /** Each record's LicenseArn for one BatchMeterUsage request, by identity. */
  static final ExecutionAttribute<Map<RecordIdentity, String>> LICENSE_ARNS =
      new ExecutionAttribute<>("hourmeter.licenseArns");
  /** Where one ResolveCustomer call's LicenseArn is put. */
  static final ExecutionAttribute<AtomicReference<String>> RESOLVED_LICENSE_ARN =
      new ExecutionAttribute<>("hourmeter.resolvedLicenseArn");

  private static final ExecutionAttribute<byte[]> LICENSED_BODY = new ExecutionAttribute<>("hourmeter.licensedBody");

  LicenseArnShim() {
    super(LICENSED_BODY);
  }

  /**
   * What tells two UsageRecords of one call apart, for the service and for this shim.
   *
   * @param customerIdentifier   the CustomerIdentifier, or {@code null}
   * @param customerAWSAccountId the CustomerAWSAccountId, or {@code null}
   * @param dimension            the Dimension
   * @param minute               the Timestamp without seconds and milliseconds
   */
  record RecordIdentity(String customerIdentifier, String customerAWSAccountId, String dimension, Instant minute) {

    /** The identity of an SDK record: one sent, or one echoed in a result. */
    static RecordIdentity of(UsageRecord record) {
      return new RecordIdentity(record.customerIdentifier(), record.customerAWSAccountId(), record.dimension(),
          record.timestamp().truncatedTo(ChronoUnit.MINUTES));
    }
  }

  /**
   * One record and its license.
   *
   * @param record     the SDK record
   * @param licenseArn its LicenseArn, or {@code null} for a buyer without one
   */
  record LicensedRecord(UsageRecord record, String licenseArn) {
    LicensedRecord {
      Objects.requireNonNull(record, "record");
      if (licenseArn != null && record.customerAWSAccountId() == null) {
        throw new IllegalArgumentException("licenseArn needs the record's customerAWSAccountId: " + record);
      }
    }
  }

  /**
   * A BatchMeterUsage request of {@code records} that carries their licenses to this interceptor.
   *
   * @param productCode the ProductCode, or {@code null} when the licenses name the product
   * @throws IllegalArgumentException when two records share a {@link RecordIdentity}
   */
  static BatchMeterUsageRequest request(String productCode, List<LicensedRecord> records) {
    Map<RecordIdentity, String> licenses = new HashMap<>();
    Set<RecordIdentity> seen = new HashSet<>();
    for (LicensedRecord licensed : records) {
      RecordIdentity identity = RecordIdentity.of(licensed.record());
      if (!seen.add(identity)) {
        throw new IllegalArgumentException("two records of one BatchMeterUsage call share buyer, dimension and "
            + "minute " + identity + "; records that differ only in LicenseArn must go in separate calls");
      }
      if (licensed.licenseArn() != null) {
        licenses.put(identity, licensed.licenseArn());
      }
    }
    return BatchMeterUsageRequest.builder()
        .productCode(productCode)
        .usageRecords(records.stream().map(LicensedRecord::record).toList())
        .overrideConfiguration(o -> o.putExecutionAttribute(LICENSE_ARNS, Map.copyOf(licenses)))
        .build();
  }

  /**
   * The result of ResolveCustomer on {@code client} (which must carry this interceptor).
   *
   * @param response   the SDK's response
   * @param licenseArn the reply's LicenseArn, or {@code null} when it had none
   */
  record ResolvedCustomer(ResolveCustomerResponse response, String licenseArn) { }

  /** Calls ResolveCustomer and reads the LicenseArn that the SDK's response lacks from the raw reply. */
  static ResolvedCustomer resolveCustomer(MarketplaceMeteringClient client, String registrationToken) {
    AtomicReference<String> license = new AtomicReference<>();
    ResolveCustomerResponse response = client.resolveCustomer(ResolveCustomerRequest.builder()
        .registrationToken(registrationToken)
        .overrideConfiguration(o -> o.putExecutionAttribute(RESOLVED_LICENSE_ARN, license))
        .build());
    return new ResolvedCustomer(response, license.get());
  }

  /** Whether {@code failure} is the service's InvalidLicenseException, by its error code. */
  static boolean isInvalidLicense(Throwable failure) {
    return failure instanceof AwsServiceException service && service.awsErrorDetails() != null
        && INVALID_LICENSE.equals(service.awsErrorDetails().errorCode());
  }

  @Override
  byte[] rewrite(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    Map<RecordIdentity, String> licenses = attributes.getAttribute(LICENSE_ARNS);
    if (!(context.request() instanceof BatchMeterUsageRequest) || licenses == null || licenses.isEmpty()
        || context.requestBody().isEmpty()) {
      return null;
    }
    JsonNode body = JsonNode.parser().parse(read(context.requestBody().get()));
    Set<RecordIdentity> used = new HashSet<>();
    JsonWriter out = JsonWriter.create();
    out.writeStartObject();
    for (Map.Entry<String, JsonNode> member : body.asObject().entrySet()) {
      out.writeFieldName(member.getKey());
      if (!member.getKey().equals("UsageRecords")) {
        write(member.getValue(), out);
        continue;
      }
      out.writeStartArray();
      for (JsonNode record : member.getValue().asArray()) {
        writeRecord(record, licenses, used, out);
      }
      out.writeEndArray();
    }
    out.writeEndObject();
    if (!used.equals(licenses.keySet())) {
      throw new IllegalStateException("LicenseArns attached for records that are not in the request: "
          + licenses.keySet().stream().filter(identity -> !used.contains(identity)).toList());
    }
    return out.getBytes();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
      ExecutionAttributes attributes) {
    AtomicReference<String> license = attributes.getAttribute(RESOLVED_LICENSE_ARN);
    if (license == null || !(context.request() instanceof ResolveCustomerRequest)
        || !context.httpResponse().isSuccessful() || context.responseBody().isEmpty()) {
      return context.responseBody();
    }
    byte[] raw;
    try (InputStream in = context.responseBody().get()) {
      raw = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ResolveCustomer reply", e);
    }
    JsonNode reply = JsonNode.parser().parse(new String(raw, StandardCharsets.UTF_8));
    reply.field("LicenseArn").filter(JsonNode::isString).ifPresent(arn -> license.set(arn.asString()));
    return Optional.of(new ByteArrayInputStream(raw));
  }

  private static void writeRecord(JsonNode record, Map<RecordIdentity, String> licenses, Set<RecordIdentity> used,
      JsonWriter out) {
    Map<String, JsonNode> members = record.asObject();
    RecordIdentity identity = identity(members);
    String license = licenses.get(identity);
    if (license != null && (members.containsKey("LicenseArn") || !used.add(identity))) {
      throw new IllegalStateException("the marshalled record " + identity + " already has a LicenseArn or "
          + "appears twice; refusing to guess which license is whose");
    }
    out.writeStartObject();
    for (Map.Entry<String, JsonNode> member : members.entrySet()) {
      out.writeFieldName(member.getKey());
      write(member.getValue(), out);
    }
    if (license != null) {
      out.writeFieldName("LicenseArn");
      out.writeValue(license);
    }
    out.writeEndObject();
  }

  private static RecordIdentity identity(Map<String, JsonNode> members) {
    Instant timestamp = Instant.ofEpochMilli(new BigDecimal(members.get("Timestamp").asNumber())
        .movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact());
    return new RecordIdentity(text(members, "CustomerIdentifier"), text(members, "CustomerAWSAccountId"),
        text(members, "Dimension"), timestamp.truncatedTo(ChronoUnit.MINUTES));
  }

  private static String text(Map<String, JsonNode> members, String name) {
    JsonNode node = members.get(name);
    return node == null || node.isNull() ? null : node.asString();
  }

  /** Writes {@code node} as it was marshalled; numbers keep their text. */
  private static void write(JsonNode node, JsonWriter out) {
    if (node.isObject()) {
      out.writeStartObject();
      for (Map.Entry<String, JsonNode> member : node.asObject().entrySet()) {
        out.writeFieldName(member.getKey());
        write(member.getValue(), out);
      }
      out.writeEndObject();
    } else if (node.isArray()) {
      out.writeStartArray();
      for (JsonNode item : node.asArray()) {
        write(item, out);
      }
      out.writeEndArray();
    } else if (node.isString()) {
      out.writeValue(node.asString());
    } else if (node.isNumber()) {
      out.writeNumber(node.asNumber());
    } else if (node.isBoolean()) {
      out.writeValue(node.asBoolean());
    } else {
      out.writeNull();
    }
  }
}
