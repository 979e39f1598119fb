package io.hourmeter.local;

import static io.hourmeter.local.RawClient.batchBody;
import static io.hourmeter.local.RawClient.usageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchMeterUsageTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:20:00Z");
  private static final Instant HOUR = Instant.parse("2026-11-23T09:00:00Z");
  private static final String PRODUCT = "prod-saas";
  private static final String L1 = "arn:aws:license-manager::111111111111:license/l-aaaa";
  private static final String L2 = "arn:aws:license-manager::111111111111:license/l-bbbb";
  private static final String L_OTHER_PRODUCT = "arn:aws:license-manager::333333333333:license/l-cccc";
  private static final String ACCOUNT_L1 = "\"CustomerAWSAccountId\":\"111111111111\",\"LicenseArn\":\"" + L1 + "\"";
  private static final String ACCOUNT_L2 = "\"CustomerAWSAccountId\":\"111111111111\",\"LicenseArn\":\"" + L2 + "\"";
  private static final String ACCOUNT_ONLY = "\"CustomerAWSAccountId\":\"222222222222\"";
  private static final String LEGACY = "\"CustomerIdentifier\":\"cust-legacy\"";
  private static final String STRANGER = "\"CustomerAWSAccountId\":\"999999999999\"";

  private MutableInstantSource clock = new MutableInstantSource(NOW);
  private LocalMeteringEndpoint endpoint = start(clock);
  private RawClient client = new RawClient(endpoint.uri());

  private static LocalMeteringEndpoint start(MutableInstantSource clock) {
    return LocalMeteringEndpoint.builder()
        .product(PRODUCT, "api_calls", "storage")
        .product("prod-other", "api_calls")
        .subscriber(PRODUCT, SaasCustomer.license("111111111111", L1))
        .subscriber(PRODUCT, SaasCustomer.license("111111111111", L2))
        .subscriber(PRODUCT, SaasCustomer.account("222222222222"))
        .subscriber(PRODUCT, new SaasCustomer("cust-legacy", "444444444444", null))
        .subscriber("prod-other", SaasCustomer.license("333333333333", L_OTHER_PRODUCT))
        .deniedAccessKey("AKIDDENIED")
        .clock(clock)
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private HttpResponse<String> batch(String... records) throws Exception {
    return client.batchMeterUsage(batchBody(PRODUCT, records));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> results(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(response.body())).get("Results");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> unprocessed(HttpResponse<String> response) {
    return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(response.body())).get("UnprocessedRecords");
  }

  private static List<Object> statuses(HttpResponse<String> response) {
    return results(response).stream().map(r -> r.get("Status")).toList();
  }

  private static void assertError(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue(type);
  }

  @Test
  void recordsOfSubscribedBuyersInEachFormSucceedWithTheirOwnMeteringRecordIds() throws Exception {
    List<Map<String, Object>> results = results(batch(
        usageRecord(ACCOUNT_L1, "api_calls", HOUR, 5),
        usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 6),
        usageRecord(LEGACY, "api_calls", HOUR, 7)));

    assertThat(results).extracting(r -> r.get("Status")).containsExactly("Success", "Success", "Success");
    assertThat(results).extracting(r -> r.get("MeteringRecordId")).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::customer).containsExactly(
        SaasCustomer.license("111111111111", L1), SaasCustomer.account("222222222222"),
        SaasCustomer.identifier("cust-legacy"));
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::productCode, AcceptedRecord::quantity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(PRODUCT, 5L),
            org.assertj.core.groups.Tuple.tuple(PRODUCT, 6L), org.assertj.core.groups.Tuple.tuple(PRODUCT, 7L));
  }

  @Test
  void eachResultEchoesItsRecordAsReceivedLicenseArnIncluded() throws Exception {
    Map<String, Object> result = results(batch(usageRecord(ACCOUNT_L1, "api_calls", HOUR, 5))).get(0);

    assertThat(result.get("UsageRecord")).isEqualTo(Json.parse("{" + usageRecord(ACCOUNT_L1, "api_calls", HOUR, 5) + "}"));
  }

  @Test
  void buyersTheEndpointWasNotToldAboutAreCustomerNotSubscribedAndNotRecorded() throws Exception {
    List<Map<String, Object>> results = results(batch(
        usageRecord(STRANGER, "api_calls", HOUR, 5),
        usageRecord("\"CustomerIdentifier\":\"cust-unknown\"", "api_calls", HOUR, 5),
        usageRecord("\"CustomerAWSAccountId\":\"111111111111\",\"LicenseArn\":\""
            + "arn:aws:license-manager::111111111111:license/l-unknown\"", "api_calls", HOUR, 5),
        usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 5)));

    assertThat(results).extracting(r -> r.get("Status"))
        .containsExactly("CustomerNotSubscribed", "CustomerNotSubscribed", "CustomerNotSubscribed", "Success");
    assertThat(results.get(0)).doesNotContainKey("MeteringRecordId");
    assertThat(endpoint.accepted()).hasSize(1);
  }

  @Test
  void anotherQuantityForTheSameBuyerDimensionAndMinuteIsDuplicateRecordAndTheFirstStands() throws Exception {
    String first = (String) results(batch(usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusSeconds(5), 5))).get(0)
        .get("MeteringRecordId");

    assertThat(statuses(batch(
        usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusSeconds(59), 6),
        usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusSeconds(60), 6),
        usageRecord(ACCOUNT_L1, "storage", HOUR, 6))))
        .containsExactly("DuplicateRecord", "Success", "Success");
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::quantity).containsExactly(5L, 6L, 6L);
    assertThat(endpoint.accepted().get(0).recordId()).isEqualTo(first);
  }

  @Test
  void anIdenticalRecordIsIdempotentEvenWhenOnlyItsSecondsDiffer() throws Exception {
    Object first = results(batch(usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusSeconds(1), 5))).get(0)
        .get("MeteringRecordId");
    Object again = results(batch(usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusMillis(59_999), 5))).get(0)
        .get("MeteringRecordId");

    assertThat(again).isEqualTo(first);
    assertThat(endpoint.accepted()).hasSize(1);
  }

  @Test
  void twoLicensesOfOneAccountAreTwoBuyers() throws Exception {
    assertThat(statuses(batch(
        usageRecord(ACCOUNT_L1, "api_calls", HOUR, 5),
        usageRecord(ACCOUNT_L2, "api_calls", HOUR, 9))))
        .containsExactly("Success", "Success");
    assertThat(endpoint.accepted()).extracting(r -> r.customer().licenseArn()).containsExactly(L1, L2);
  }

  @Test
  void aBuyerKnownByIdentifierAndByAccountIsOneBuyer() throws Exception {
    assertThat(statuses(batch(
        usageRecord(LEGACY, "api_calls", HOUR, 5),
        usageRecord("\"CustomerAWSAccountId\":\"444444444444\"", "api_calls", HOUR, 6))))
        .containsExactly("Success", "DuplicateRecord");
  }

  private static String allocations(String... items) {
    return ",\"UsageAllocations\":[" + String.join(",", items) + "]";
  }

  private static String allocation(long quantity, String tags) {
    return "{\"AllocatedUsageQuantity\":" + quantity + (tags == null ? "" : ",\"Tags\":[" + tags + "]") + "}";
  }

  @Test
  void aRecordsAllocationsAreCheckedAsMeterUsageChecksThemAndAValidOneIsKept() throws Exception {
    String team = "{\"Key\":\"team\",\"Value\":\"blue\"}";
    String good = usageRecord(ACCOUNT_L1, "api_calls", HOUR, 5) + allocations(allocation(2, null), allocation(3, team));
    assertThat(statuses(batch(good))).containsExactly("Success");
    assertThat(endpoint.accepted()).singleElement().satisfies(r -> assertThat(r.allocations()).hasSize(2));

    assertError(batch(usageRecord(ACCOUNT_L2, "api_calls", HOUR, 5)
        + allocations(allocation(5, "{\"Key\":\"team\",\"Value\":\"bl\u00fc\"}"))), 400, "InvalidTagException");
    assertError(batch(usageRecord(ACCOUNT_L2, "api_calls", HOUR, 5)
        + allocations(allocation(5, team + "," + team))), 400, "InvalidTagException");
    assertError(batch(usageRecord(ACCOUNT_L2, "api_calls", HOUR, 5)
        + allocations(allocation(4, team))), 400, "InvalidUsageAllocationsException");
    assertError(batch(usageRecord(ACCOUNT_L2, "api_calls", HOUR, 4)
        + allocations(allocation(2, team), allocation(2, team))), 400, "InvalidUsageAllocationsException");
    assertError(batch(usageRecord(ACCOUNT_L2, "api_calls", HOUR, 0) + allocations()), 400,
        "InvalidUsageAllocationsException");
    assertThat(endpoint.accepted()).as("a refused call records nothing").hasSize(1);
  }

  @Test
  void moreThan25RecordsOrARequestOfOneMegabyteIsAValidationErrorAndNothingIsRecorded() throws Exception {
    String[] records = new String[26];
    for (int i = 0; i < records.length; i++) {
      records[i] = usageRecord(ACCOUNT_ONLY, "api_calls", HOUR.plus(Duration.ofMinutes(i)), 1);
    }
    assertError(batch(records), 400, "ValidationException");
    assertThat(statuses(batch(java.util.Arrays.copyOf(records, 25)))).hasSize(25).containsOnly("Success");

    String big = "\"UsageAllocations\":[" + bigAllocations() + "]";
    HttpResponse<String> oneMegabyte = batch(usageRecord(ACCOUNT_L1, "api_calls", HOUR, 2_500) + "," + big,
        usageRecord(ACCOUNT_L2, "api_calls", HOUR, 2_500) + "," + big);
    assertError(oneMegabyte, 400, "ValidationException");
    assertThat(oneMegabyte.body()).contains("less than 1 MB");
    assertThat(endpoint.accepted()).hasSize(25);
  }

  /** 2,500 allocations of 1 with two tags of about 90 characters: about 0.6 MB, so two records pass 1 MB. */
  private static String bigAllocations() {
    StringBuilder json = new StringBuilder();
    String value = "v".repeat(90);
    for (int i = 0; i < 2_500; i++) {
      json.append(i == 0 ? "" : ",").append("{\"AllocatedUsageQuantity\":1,\"Tags\":[{\"Key\":\"k\",\"Value\":\"")
          .append(value).append(i).append("\"},{\"Key\":\"team\",\"Value\":\"").append(value).append("\"}]}");
    }
    return json.toString();
  }

  @Test
  void anEmptyRecordListIsAnsweredWithNoResults() throws Exception {
    HttpResponse<String> response = batch();

    assertThat(results(response)).isEmpty();
    assertThat(unprocessed(response)).isEmpty();
  }

  @Test
  void brokenRecordLimitsAreValidationErrorsNamingTheMemberPath() throws Exception {
    assertThat(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1),
        usageRecord("\"CustomerAWSAccountId\":\"12ab\"", "api_calls", HOUR, 1)).body())
        .contains("usageRecords.2.member.customerAWSAccountId");
    assertThat(batch(usageRecord("\"CustomerAWSAccountId\":\"1\",\"LicenseArn\":\"l-1\"", "api_calls", HOUR, 1))
        .body()).contains("usageRecords.1.member.licenseArn");
    assertThat(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 2_147_483_648L)).body())
        .contains("usageRecords.1.member.quantity");
    assertThat(batch(usageRecord(LEGACY + "," + ACCOUNT_ONLY, "api_calls", HOUR, 1)).body())
        .contains("exactly one of CustomerIdentifier and CustomerAWSAccountId");
    assertError(batch(usageRecord(ACCOUNT_ONLY, "", HOUR, 1)), 400, "ValidationException");
    assertError(client.batchMeterUsage("{\"UsageRecords\":{}}"), 400, "SerializationException");
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void oneRecordOutsideTheWindowRejectsTheWholeBatch() throws Exception {
    Instant dayAgo = NOW.minus(Duration.ofHours(24));

    assertError(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1),
        usageRecord(ACCOUNT_L1, "api_calls", dayAgo, 1)), 400, "TimestampOutOfBoundsException");
    assertError(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1),
        usageRecord(ACCOUNT_L1, "api_calls", NOW.plus(Duration.ofMinutes(1)), 1)), 400, "TimestampOutOfBoundsException");
    assertThat(endpoint.accepted()).isEmpty();
    assertThat(statuses(batch(usageRecord(ACCOUNT_L1, "api_calls", dayAgo.plus(Duration.ofMinutes(1)), 1),
        usageRecord(ACCOUNT_L2, "api_calls", NOW.plusSeconds(59), 1)))).containsExactly("Success", "Success");
  }

  @Test
  void previousMonthUsageIsAcceptedOnlyUntilSixOnTheFirstEvenWithinTheDay() throws Exception {
    endpoint.close();
    clock = new MutableInstantSource(Instant.parse("2026-12-01T05:59:00Z"));
    endpoint = start(clock);
    client = new RawClient(endpoint.uri());
    Instant november = Instant.parse("2026-11-30T23:30:00Z");

    assertThat(statuses(batch(usageRecord(ACCOUNT_L1, "api_calls", november, 1)))).containsExactly("Success");
    clock.advance(Duration.ofMinutes(1));
    assertError(batch(usageRecord(ACCOUNT_L2, "api_calls", november, 1)), 400, "TimestampOutOfBoundsException");
    assertThat(statuses(batch(usageRecord(ACCOUNT_L2, "api_calls", Instant.parse("2026-12-01T00:00:00Z"), 1))))
        .containsExactly("Success");
  }

  @Test
  void theBatchWindowIsASetting() throws Exception {
    try (LocalMeteringEndpoint sixHours = LocalMeteringEndpoint.builder().product(PRODUCT, "api_calls")
        .subscriber(PRODUCT, SaasCustomer.account("222222222222")).batchWindow(Duration.ofHours(6)).clock(clock)
        .build().start()) {
      RawClient six = new RawClient(sixHours.uri());
      assertError(six.batchMeterUsage(batchBody(PRODUCT, usageRecord(ACCOUNT_ONLY, "api_calls",
          NOW.minus(Duration.ofHours(6)), 1))), 400, "TimestampOutOfBoundsException");
      assertThat(statuses(six.batchMeterUsage(batchBody(PRODUCT, usageRecord(ACCOUNT_ONLY, "api_calls",
          NOW.minus(Duration.ofHours(5)), 1))))).containsExactly("Success");
    }
  }

  @Test
  void anUnknownProductOrDimensionRejectsTheWholeCall() throws Exception {
    assertError(client.batchMeterUsage(batchBody("prod-x", usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1))), 400,
        "InvalidProductCodeException");
    assertError(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1), usageRecord(ACCOUNT_ONLY, "gpus", HOUR, 1)),
        400, "InvalidUsageDimensionException");
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void aKnownLicenseNamedWithAnotherAccountOrForAnotherProductIsInvalidLicense() throws Exception {
    assertError(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1),
        usageRecord("\"CustomerAWSAccountId\":\"222222222222\",\"LicenseArn\":\"" + L1 + "\"", "api_calls", HOUR, 1)),
        400, "InvalidLicenseException");
    assertError(batch(usageRecord("\"CustomerAWSAccountId\":\"333333333333\",\"LicenseArn\":\"" + L_OTHER_PRODUCT
        + "\"", "api_calls", HOUR, 1)), 400, "InvalidLicenseException");
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void withoutProductCodeTheLicensesNameTheProductAndARecordWithoutOneIsAValidationError() throws Exception {
    assertThat(statuses(client.batchMeterUsage(batchBody(null, usageRecord(ACCOUNT_L1, "api_calls", HOUR, 1),
        usageRecord(ACCOUNT_L2, "storage", HOUR, 1))))).containsExactly("Success", "Success");
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::productCode).containsOnly(PRODUCT);

    assertError(client.batchMeterUsage(batchBody(null, usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusSeconds(60), 1),
        usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1))), 400, "ValidationException");
    assertError(client.batchMeterUsage(batchBody(null, usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusSeconds(60), 1),
        usageRecord("\"CustomerAWSAccountId\":\"333333333333\",\"LicenseArn\":\"" + L_OTHER_PRODUCT + "\"",
            "api_calls", HOUR, 1))), 400, "InvalidLicenseException");
  }

  @Test
  void injectedWholeCallErrorsAreAnsweredAsTheServiceWouldAndRecordNothing() throws Exception {
    for (ModelledError error : ModelledError.values()) {
      endpoint.faults().rejectNext(error, 1);
      assertError(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1)), 400, error.type());
    }
    endpoint.faults().throttleNext(1).serverErrorNext(1);
    assertError(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1)), 400, "ThrottlingException");
    assertError(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1)), 500, "InternalServiceErrorException");

    assertThat(endpoint.accepted()).isEmpty();
    assertThat(statuses(batch(usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1)))).containsExactly("Success");
    assertThat(endpoint.counters().rejected()).isEqualTo(ModelledError.values().length);
  }

  @Test
  void unprocessedRecordsComeBackUnrecordedAndTheirResendSucceeds() throws Exception {
    endpoint.faults().unprocessedRecordsNext(2);
    String a = usageRecord(ACCOUNT_L1, "api_calls", HOUR, 1);
    String b = usageRecord(ACCOUNT_L2, "api_calls", HOUR, 2);
    String c = usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 3);

    HttpResponse<String> response = batch(a, b, c);

    assertThat(unprocessed(response)).isEqualTo(List.of(Json.parse("{" + a + "}"), Json.parse("{" + b + "}")));
    assertThat(statuses(response)).containsExactly("Success");
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::quantity).containsExactly(3L);
    assertThat(statuses(batch(a, b, c))).containsExactly("Success", "Success", "Success");
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::quantity).containsExactly(3L, 1L, 2L);
  }

  @Test
  void aReplyDroppedAfterRecordingLeavesTheBatchRecordedAndItsResendIsIdempotent() throws Exception {
    endpoint.faults().dropNextAfterRecord(1);
    String a = usageRecord(ACCOUNT_L1, "api_calls", HOUR, 1);

    assertThatThrownBy(() -> batch(a)).isInstanceOf(IOException.class);
    assertThat(endpoint.accepted()).hasSize(1);
    assertThat(results(batch(a)).get(0).get("MeteringRecordId")).isEqualTo(endpoint.accepted().get(0).recordId());
  }

  @Test
  void aBuyerSubscribedLaterIsMeteredAndAnUnsubscribedOneIsNot() throws Exception {
    assertThat(statuses(batch(usageRecord(STRANGER, "api_calls", HOUR, 1)))).containsExactly("CustomerNotSubscribed");
    endpoint.subscribe(PRODUCT, SaasCustomer.account("999999999999"));
    endpoint.unsubscribe(PRODUCT, SaasCustomer.account("222222222222"));

    assertThat(statuses(batch(usageRecord(STRANGER, "api_calls", HOUR, 1),
        usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1)))).containsExactly("Success", "CustomerNotSubscribed");
  }

  @Test
  void preRecordedSaasUsageMakesAnotherQuantityADuplicateAndTheSameIdempotent() throws Exception {
    AcceptedRecord earlier = endpoint.preRecord(PRODUCT, SaasCustomer.license("111111111111", L1), "api_calls",
        HOUR, 4);

    assertThat(statuses(batch(usageRecord(ACCOUNT_L1, "api_calls", HOUR, 5)))).containsExactly("DuplicateRecord");
    assertThat(results(batch(usageRecord(ACCOUNT_L1, "api_calls", HOUR.plusSeconds(30), 4))).get(0)
        .get("MeteringRecordId")).isEqualTo(earlier.recordId());
  }

  @Test
  void aCallerWithoutThePermissionIsAccessDeniedNamingBatchMeterUsage() throws Exception {
    HttpResponse<String> response = client.send(batchBody(PRODUCT, usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 1)),
        RawClient.authFor("AKIDDENIED", "us-east-1"), LocalMeteringEndpoint.BATCH_METER_USAGE_TARGET);

    assertError(response, 400, "AccessDeniedException");
    assertThat(response.body()).contains("aws-marketplace:BatchMeterUsage");
  }

  @Test
  void meterUsageAndBatchMeterUsageShareOneStoreWithoutMeetingInIt() throws Exception {
    try (LocalMeteringEndpoint both = LocalMeteringEndpoint.builder().product(PRODUCT, "api_calls")
        .subscriber(PRODUCT, SaasCustomer.account("222222222222")).clock(clock).build().start()) {
      RawClient raw = new RawClient(both.uri());
      raw.meterUsage(RawClient.body(PRODUCT, "api_calls", HOUR, 5, null, null));
      assertThat(statuses(raw.batchMeterUsage(batchBody(PRODUCT, usageRecord(ACCOUNT_ONLY, "api_calls", HOUR, 6)))))
          .containsExactly("Success");
      assertThat(both.accepted()).extracting(AcceptedRecord::quantity).containsExactly(5L, 6L);
      assertThat(both.accepted().get(0).customer()).isNull();
    }
  }

  @Test
  void theBuilderRejectsBadSubscribersNamingTheOption() {
    assertThatThrownBy(() -> LocalMeteringEndpoint.builder().product("p", "d")
        .subscriber("q", SaasCustomer.account("1")).build()).hasMessageContaining("subscriber");
    assertThatThrownBy(() -> SaasCustomer.account("12ab")).hasMessageContaining("customerAWSAccountId");
    assertThatThrownBy(() -> SaasCustomer.license("1", "l-1")).hasMessageContaining("licenseArn");
    assertThatThrownBy(() -> LocalMeteringEndpoint.builder().batchWindow(Duration.ZERO))
        .hasMessageContaining("batchWindow");
  }
}
