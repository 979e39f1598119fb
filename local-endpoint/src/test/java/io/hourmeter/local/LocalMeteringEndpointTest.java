package io.hourmeter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalMeteringEndpointTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:20:00Z");
  private static final Instant LAST_HOUR = Instant.parse("2026-11-23T09:00:00Z");

  private final MutableInstantSource clock = new MutableInstantSource(NOW);
  private LocalMeteringEndpoint endpoint;
  private RawClient client;

  @BeforeEach
  void start() {
    endpoint = LocalMeteringEndpoint.builder()
        .product("prod-a", "users", "requests")
        .product("prod-unpaid", "users")
        .notEntitled("prod-unpaid")
        .rejectedAccessKey("AKIDREJECTED")
        .deniedAccessKey("AKIDDENIED")
        .softwareStartedAt(Instant.parse("2026-11-23T05:00:00Z"))
        .clock(clock)
        .build()
        .start();
    client = new RawClient(endpoint.uri());
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private HttpResponse<String> hourly(String dimension, Instant at, long quantity) throws Exception {
    return client.meterUsage(RawClient.body("prod-a", dimension, at, quantity, null, null));
  }

  private static String recordId(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parse(response.body());
    return (String) json.get("MeteringRecordId");
  }

  private static void assertError(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue(type);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parse(response.body());
    assertThat(json).containsEntry("__type", type).containsKey("message");
  }

  @Test
  void acceptsAValidReportAndExposesWhatItStored() throws Exception {
    String id = recordId(hourly("users", LAST_HOUR, 5));

    assertThat(id).isNotBlank();
    AcceptedRecord stored = endpoint.accepted().get(0);
    assertThat(stored.recordId()).isEqualTo(id);
    assertThat(stored.productCode()).isEqualTo("prod-a");
    assertThat(stored.dimension()).isEqualTo("users");
    assertThat(stored.timestamp()).isEqualTo(LAST_HOUR);
    assertThat(stored.quantity()).isEqualTo(5);
    assertThat(stored.clientToken()).isNull();
    assertThat(stored.receivedAt()).isEqualTo(NOW);
  }

  @Test
  void withoutATokenTimestampsRoundToTheHourAndIdenticalRequestsAreIdempotent() throws Exception {
    String first = recordId(hourly("users", LAST_HOUR.plusSeconds(60), 5));
    String again = recordId(hourly("users", LAST_HOUR.plusSeconds(1800), 5));

    assertThat(again).isEqualTo(first);
    assertThat(endpoint.accepted()).hasSize(1);
  }

  @Test
  void withoutATokenAnotherQuantityInTheSameHourIsDuplicateRequestAndTheFirstStands() throws Exception {
    recordId(hourly("users", LAST_HOUR, 5));

    assertError(hourly("users", LAST_HOUR.plusSeconds(10), 6), 400, "DuplicateRequestException");
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::quantity).containsExactly(5L);
    assertThat(recordId(hourly("requests", LAST_HOUR, 6))).isNotBlank();
  }

  @Test
  void theSameTokenWithTheSameRequestIsIdempotent() throws Exception {
    Instant at = NOW.minusSeconds(30);
    String first = recordId(client.meterUsage(RawClient.body("prod-a", "users", at, 5, "tok-1", null)));
    String again = recordId(client.meterUsage(RawClient.body("prod-a", "users", at, 5, "tok-1", null)));

    assertThat(again).isEqualTo(first);
    assertThat(endpoint.accepted()).hasSize(1);
  }

  @Test
  void theSameTokenWithOtherParametersIsIdempotencyConflict409() throws Exception {
    Instant at = NOW.minusSeconds(30);
    recordId(client.meterUsage(RawClient.body("prod-a", "users", at, 5, "tok-1", null)));

    assertError(client.meterUsage(RawClient.body("prod-a", "users", at, 6, "tok-1", null)), 409,
        "IdempotencyConflictException");
    assertError(client.meterUsage(RawClient.body("prod-a", "users", at.plusMillis(1), 5, "tok-1", null)), 409,
        "IdempotencyConflictException");
  }

  @Test
  void withTokensManyReportsPerHourAreAcceptedWithoutRounding() throws Exception {
    Instant at = NOW.minusSeconds(30);
    String a = recordId(client.meterUsage(RawClient.body("prod-a", "users", at, 5, "tok-1", null)));
    String b = recordId(client.meterUsage(RawClient.body("prod-a", "users", at, 7, "tok-2", null)));

    assertThat(b).isNotEqualTo(a);
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::clientToken).containsExactly("tok-1", "tok-2");
  }

  @Test
  void timestampsOutsideTheWindowAreOutOfBounds() throws Exception {
    Instant sixHoursAgo = NOW.minus(Duration.ofHours(6));

    assertError(hourly("users", sixHoursAgo.minusSeconds(1), 1), 400, "TimestampOutOfBoundsException");
    assertError(hourly("users", NOW.plusSeconds(1), 1), 400, "TimestampOutOfBoundsException");
    assertThat(recordId(hourly("users", NOW, 1))).isNotBlank();
  }

  @Test
  void timestampsBeforeTheSoftwareStartedAreOutOfBounds() throws Exception {
    assertError(hourly("users", Instant.parse("2026-11-23T04:59:59Z"), 1), 400, "TimestampOutOfBoundsException");
    assertThat(recordId(hourly("users", Instant.parse("2026-11-23T05:00:00Z"), 1))).isNotBlank();
  }

  @Test
  void theWindowFollowsTheInjectedClock() throws Exception {
    recordId(hourly("users", LAST_HOUR, 1));
    clock.advance(Duration.ofHours(7));

    assertError(hourly("requests", LAST_HOUR, 1), 400, "TimestampOutOfBoundsException");
  }

  @Test
  void unknownProductsDimensionsAndUnentitledBuyersAreRejected() throws Exception {
    assertError(client.meterUsage(RawClient.body("prod-x", "users", LAST_HOUR, 1, null, null)), 400,
        "InvalidProductCodeException");
    assertError(hourly("gpus", LAST_HOUR, 1), 400, "InvalidUsageDimensionException");
    assertError(client.meterUsage(RawClient.body("prod-unpaid", "users", LAST_HOUR, 1, null, null)), 400,
        "CustomerNotEntitledException");
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void quantitiesOutsideInt32AreValidationErrors() throws Exception {
    assertError(hourly("users", LAST_HOUR, 2_147_483_648L), 400, "ValidationException");
    assertError(hourly("users", LAST_HOUR, -1), 400, "ValidationException");
    assertThat(recordId(hourly("users", LAST_HOUR, 2_147_483_647L))).isNotBlank();
  }

  @Test
  void allocationsMustSumToTheQuantityWithDistinctTagSets() throws Exception {
    String sumsWrong = "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":2,\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}]},"
        + "{\"AllocatedUsageQuantity\":2}]";
    String repeated = "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":2,\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}]},"
        + "{\"AllocatedUsageQuantity\":3,\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}]}]";
    String good = "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":2,\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}]},"
        + "{\"AllocatedUsageQuantity\":3}]";

    assertError(client.meterUsage(RawClient.body("prod-a", "users", LAST_HOUR, 5, null, sumsWrong)), 400,
        "InvalidUsageAllocationsException");
    assertError(client.meterUsage(RawClient.body("prod-a", "users", LAST_HOUR, 5, null, repeated)), 400,
        "InvalidUsageAllocationsException");
    assertThat(recordId(client.meterUsage(RawClient.body("prod-a", "users", LAST_HOUR, 5, null, good)))).isNotBlank();
    assertThat(endpoint.accepted().get(0).allocations()).containsExactly(
        new AcceptedRecord.Allocation(2, Map.of("team", "a")), new AcceptedRecord.Allocation(3, Map.of()));
  }

  @Test
  void moreThan2500AllocationsAreRejected() throws Exception {
    StringBuilder many = new StringBuilder("\"UsageAllocations\":[");
    for (int i = 0; i < 2501; i++) {
      many.append(i == 0 ? "" : ",").append("{\"AllocatedUsageQuantity\":0,\"Tags\":[{\"Key\":\"k\",\"Value\":\"v")
          .append(i).append("\"}]}");
    }
    many.append(']');

    assertError(client.meterUsage(RawClient.body("prod-a", "users", LAST_HOUR, 0, null, many.toString())), 400,
        "InvalidUsageAllocationsException");
  }

  @Test
  void tagLimitsAreInvalidTag() throws Exception {
    String sixTags = "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":1,\"Tags\":["
        + "{\"Key\":\"a\",\"Value\":\"1\"},{\"Key\":\"b\",\"Value\":\"1\"},{\"Key\":\"c\",\"Value\":\"1\"},"
        + "{\"Key\":\"d\",\"Value\":\"1\"},{\"Key\":\"e\",\"Value\":\"1\"},{\"Key\":\"f\",\"Value\":\"1\"}]}]";
    String badKey = "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":1,\"Tags\":[{\"Key\":\"t{eam\",\"Value\":\"a\"}]}]";
    String longValue = "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":1,\"Tags\":[{\"Key\":\"team\",\"Value\":\""
        + "v".repeat(257) + "\"}]}]";

    assertError(client.meterUsage(RawClient.body("prod-a", "users", LAST_HOUR, 1, null, sixTags)), 400, "InvalidTagException");
    assertError(client.meterUsage(RawClient.body("prod-a", "users", LAST_HOUR, 1, null, badKey)), 400, "InvalidTagException");
    assertError(client.meterUsage(RawClient.body("prod-a", "users", LAST_HOUR, 1, null, longValue)), 400, "InvalidTagException");
  }

  @Test
  void malformedJsonIsASerializationError() throws Exception {
    assertError(client.meterUsage("{\"ProductCode\":"), 400, "SerializationException");
    assertError(client.meterUsage("{\"ProductCode\":\"prod-a\",\"UsageDimension\":\"users\"}"), 400,
        "ValidationException");
  }

  @Test
  void dryRunAnswersDryRunOperationOrUnauthorizedAndRecordsNothing() throws Exception {
    String dryRun = RawClient.body("prod-a", "users", NOW, 0, null, "\"DryRun\":true");

    assertError(client.meterUsage(dryRun), 400, "DryRunOperation");
    assertError(client.send(dryRun, RawClient.authFor("AKIDDENIED", "us-east-1"),
        LocalMeteringEndpoint.METER_USAGE_TARGET), 403, "UnauthorizedException");
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void callersAreCheckedFromTheSignature() throws Exception {
    String body = RawClient.body("prod-a", "users", LAST_HOUR, 1, null, null);
    String target = LocalMeteringEndpoint.METER_USAGE_TARGET;

    assertError(client.send(body, null, target), 403, "MissingAuthenticationTokenException");
    assertError(client.send(body, RawClient.authFor("AKIDREJECTED", "us-east-1"), target), 400,
        "UnrecognizedClientException");
    assertError(client.send(body, RawClient.authFor("AKIDDENIED", "us-east-1"), target), 400,
        "AccessDeniedException");
    assertError(client.send(body, RawClient.authFor("AKIDTEST", "eu-west-1"), target), 400,
        "InvalidEndpointRegionException");
    assertError(client.send(body, RawClient.AUTH, "AWSMPMeteringService.NoSuchOperation"), 400,
        "UnknownOperationException");
    assertThat(endpoint.accepted()).isEmpty();
  }

  @Test
  void scriptedThrottlingAndServerErrorsRecordNothing() throws Exception {
    endpoint.faults().throttleNext(1).serverErrorNext(1);

    assertError(hourly("users", LAST_HOUR, 1), 400, "ThrottlingException");
    assertError(hourly("users", LAST_HOUR, 1), 500, "InternalServiceErrorException");
    assertThat(endpoint.accepted()).isEmpty();
    assertThat(recordId(hourly("users", LAST_HOUR, 1))).isNotBlank();
    assertThat(endpoint.counters()).isEqualTo(new Counters(3, 1, 1, 1, 0, 0));
  }

  @Test
  void scriptedProxyAnswersReplaceTheServicesOwnBeforeOrAfterRecording() throws Exception {
    endpoint.faults()
        .answerNext(new Faults.Answer(503, null, "", false))
        .answerNext(new Faults.Answer(502, "text/html", "<html>502 Bad Gateway</html>", true));

    HttpResponse<String> unavailable = hourly("users", LAST_HOUR, 1);
    int recordedAfterTheFirst = endpoint.accepted().size();
    HttpResponse<String> badGateway = hourly("users", LAST_HOUR, 1);

    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(unavailable.body()).isEmpty();
    assertThat(unavailable.headers().firstValue("x-amzn-ErrorType")).isEmpty();
    assertThat(recordedAfterTheFirst).isZero();
    assertThat(badGateway.statusCode()).isEqualTo(502);
    assertThat(badGateway.headers().firstValue("Content-Type")).hasValue("text/html");
    assertThat(badGateway.body()).isEqualTo("<html>502 Bad Gateway</html>");
    assertThat(endpoint.accepted()).hasSize(1);
    assertThat(recordId(hourly("users", LAST_HOUR, 1))).isEqualTo(endpoint.accepted().get(0).recordId());
    assertThat(endpoint.counters().failed()).isEqualTo(2);
  }

  @Test
  void aConnectionDroppedBeforeRecordingLeavesNothingRecorded() throws Exception {
    endpoint.faults().dropNextBeforeRecord(1);

    assertThatThrownBy(() -> hourly("users", LAST_HOUR, 1)).isInstanceOf(IOException.class);
    assertThat(endpoint.accepted()).isEmpty();
    assertThat(endpoint.counters().dropped()).isEqualTo(1);
  }

  @Test
  void aConnectionDroppedAfterRecordingLeavesTheRecordStored() throws Exception {
    endpoint.faults().dropNextAfterRecord(1);

    assertThatThrownBy(() -> hourly("users", LAST_HOUR, 1)).isInstanceOf(IOException.class);
    assertThat(endpoint.accepted()).hasSize(1);
    assertThat(recordId(hourly("users", LAST_HOUR, 1))).isEqualTo(endpoint.accepted().get(0).recordId());
  }

  @Test
  void ratesOfOneAndZeroFaultEveryRequestOrNone() throws Exception {
    endpoint.faults().throttleRate(1.0);
    for (int i = 0; i < 5; i++) {
      assertError(hourly("users", LAST_HOUR, 1), 400, "ThrottlingException");
    }
    endpoint.faults().throttleRate(0.0);

    assertThat(recordId(hourly("users", LAST_HOUR, 1))).isNotBlank();
    assertThat(endpoint.counters().throttled()).isEqualTo(5);
  }

  @Test
  void aPartialThrottleRateFaultsSomeRequestsAndNotOthers() throws Exception {
    endpoint.faults().seed(7).throttleRate(0.5);
    for (int i = 0; i < 40; i++) {
      hourly("users", LAST_HOUR, 1);
    }

    assertThat(endpoint.counters().throttled()).isBetween(5L, 35L);
    assertThat(endpoint.counters().accepted()).isEqualTo(40 - endpoint.counters().throttled());
  }

  @Test
  void addedLatencyDelaysTheAnswer() throws Exception {
    endpoint.faults().latency(Duration.ofMillis(300));
    long start = System.nanoTime();

    recordId(hourly("users", LAST_HOUR, 1));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void preRecordedUsageMakesAnotherQuantityADuplicateAndTheSameIdempotent() throws Exception {
    AcceptedRecord earlier = endpoint.preRecord("prod-a", "users", LAST_HOUR, 4);

    assertError(hourly("users", LAST_HOUR, 5), 400, "DuplicateRequestException");
    assertThat(recordId(hourly("users", LAST_HOUR, 4))).isEqualTo(earlier.recordId());
  }

  @Test
  void requestBodiesAreKeptExactlyAsSent() throws Exception {
    String body = RawClient.body("prod-a", "users", LAST_HOUR, 1, null, null);
    client.meterUsage(body);

    assertThat(endpoint.requestBodies()).containsExactly(body);
  }

  @Test
  void theBuilderRejectsBadConfigurationNamingTheOption() {
    assertThatThrownBy(() -> LocalMeteringEndpoint.builder().build()).hasMessageContaining("product");
    assertThatThrownBy(() -> LocalMeteringEndpoint.builder().product("p", "d").notEntitled("q").build())
        .hasMessageContaining("notEntitled");
    assertThatThrownBy(() -> LocalMeteringEndpoint.builder().product("p", "d").product("p", "e"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> endpoint.faults().throttleRate(1.5)).hasMessageContaining("throttleRate");
  }

  @Test
  void recordIdsDifferBetweenEndpoints() throws Exception {
    try (LocalMeteringEndpoint other = LocalMeteringEndpoint.builder().product("prod-a", "users").clock(clock)
        .build().start()) {
      String here = recordId(hourly("users", LAST_HOUR, 1));
      String there = recordId(new RawClient(other.uri()).meterUsage(
          RawClient.body("prod-a", "users", LAST_HOUR, 1, null, null)));
      assertThat(there).isNotEqualTo(here);
    }
  }

  @Test
  void closingTwiceIsHarmlessAndAClosedEndpointCannotRestart() {
    endpoint.close();
    endpoint.close();

    assertThatThrownBy(endpoint::start).hasMessageContaining("closed");
  }
}
