package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static io.hourmeter.aws.Reports.saas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.Buyer;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.Faults;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.ModelledError;
import io.hourmeter.local.SaasCustomer;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * The BatchMeterUsage submitter over the real SDK client and HTTP against the local endpoint: each
 * record status, each whole-call error, the call limits, and matching results to reports.
 */
class BatchMeterUsageSubmitterTest {

  private static final String L1 = "arn:aws:license-manager::111111111111:license/l-aaaa";
  private static final String L2 = "arn:aws:license-manager::111111111111:license/l-bbbb";
  private static final Buyer ACME = Buyer.of("111111111111", L1);
  private static final Buyer ACME_SECOND_LICENSE = Buyer.of("111111111111", L2);
  private static final Buyer GLOBEX = Buyer.ofAccount("222222222222");
  private static final Buyer INITECH = Buyer.ofCustomerIdentifier("cust-initech");
  private static final Buyer STRANGER = Buyer.ofAccount("999999999999");
  private static final List<Buyer> MANY = IntStream.range(0, 30)
      .mapToObj(i -> Buyer.ofAccount(String.format("4000000000%02d", i))).toList();

  private final MutableClock clock = MutableClock.atHour(493_000).advance(Duration.ofMinutes(75));
  private final Instant lastHour = Instant.ofEpochSecond((clock.epochHour() - 1) * 3600);
  private LocalMeteringEndpoint endpoint;
  private AwsUsageSubmitter submitter;

  @BeforeEach
  void start() {
    LocalMeteringEndpoint.Builder service = LocalMeteringEndpoint.builder()
        .product(PRODUCT, "users", "requests")
        .clock(clock);
    for (Buyer buyer : concat(List.of(ACME, ACME_SECOND_LICENSE, GLOBEX, INITECH), MANY)) {
      service.subscriber(PRODUCT, AwsSubmitterContractTest.customer(buyer));
    }
    endpoint = service.build().start();
    submitter = LocalAws.submitterFor(endpoint).batchMeterUsage().clock(clock).build();
  }

  @AfterEach
  void stop() {
    submitter.close();
    endpoint.close();
  }

  @Test
  void successIsAcceptedWithTheMeteringRecordIdAwsStoredForThatRecord() {
    List<UsageAllocation> split = List.of(new UsageAllocation(3, Map.of("team", "blue")),
        new UsageAllocation(4, Map.of()));
    List<UsageReport> call = List.of(saas(ACME, "users", lastHour, 7, split), saas(GLOBEX, "users", lastHour, 5),
        saas(INITECH, "requests", lastHour, 2));

    List<SubmitOutcome> outcomes = submitter.submitAll(call);

    assertThat(outcomes).extracting(SubmitOutcome::outcome).containsOnly(OutcomeClass.ACCEPTED);
    assertThat(endpoint.counters().requests()).as("one call").isEqualTo(1);
    List<AcceptedRecord> stored = endpoint.accepted();
    assertThat(stored).extracting(AcceptedRecord::customer).containsExactly(SaasCustomer.license("111111111111", L1),
        SaasCustomer.account("222222222222"), SaasCustomer.identifier("cust-initech"));
    assertThat(stored).extracting(AcceptedRecord::recordId)
        .containsExactlyElementsOf(outcomes.stream().map(SubmitOutcome::meteringRecordId).toList());
    assertThat(stored).extracting(AcceptedRecord::timestamp).containsOnly(lastHour);
    assertThat(stored).extracting(AcceptedRecord::quantity).containsExactly(7L, 5L, 2L);
    assertThat(stored.get(0).allocations()).containsExactly(new AcceptedRecord.Allocation(3, Map.of("team", "blue")),
        new AcceptedRecord.Allocation(4, Map.of()));
  }

  @Test
  void everyCallCarriesTheProductCodeEvenWhenEveryRecordHasALicense() {
    submitter.submit(saas(ACME, "users", lastHour, 1));

    assertThat(endpoint.requestBodies()).singleElement().asString()
        .contains("\"ProductCode\":\"" + PRODUCT + "\"", "\"LicenseArn\":\"" + L1 + "\"");
  }

  @Test
  void aBuyerTheServiceDoesNotKnowIsCustomerNotSubscribedAndNothingIsBilled() {
    List<SubmitOutcome> outcomes = submitter.submitAll(List.of(saas(STRANGER, "users", lastHour, 4),
        saas(GLOBEX, "users", lastHour, 5)));

    assertThat(outcomes.get(0).outcome()).isEqualTo(OutcomeClass.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(outcomes.get(0).errorCode()).isEqualTo("CustomerNotSubscribed");
    assertThat(outcomes.get(0).wholeCall()).isFalse();
    assertThat(outcomes.get(1).outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::customer)
        .containsExactly(SaasCustomer.account("222222222222"));
  }

  @Test
  void anotherQuantityAtTheSameBuyerDimensionAndMinuteIsDuplicateRecord() {
    endpoint.preRecord(PRODUCT, SaasCustomer.license("111111111111", L1), "users", lastHour.plusSeconds(20), 3);

    List<SubmitOutcome> outcomes = submitter.submitAll(List.of(saas(ACME, "users", lastHour, 4),
        saas(ACME_SECOND_LICENSE, "requests", lastHour, 4)));

    assertThat(outcomes.get(0).outcome()).isEqualTo(OutcomeClass.DUPLICATE_REQUEST);
    assertThat(outcomes.get(0).errorCode()).isEqualTo("DuplicateRecord");
    assertThat(outcomes.get(0).wholeCall()).isFalse();
    assertThat(outcomes.get(1).outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::quantity).as("the first stands").containsExactly(3L, 4L);
  }

  @Test
  void unprocessedRecordsAreRetryableAndTheirUnchangedResendIsAccepted() {
    endpoint.faults().unprocessedRecordsNext(2);
    List<UsageReport> call = List.of(saas(GLOBEX, "users", lastHour, 1), saas(INITECH, "users", lastHour, 2),
        saas(ACME, "users", lastHour, 3));

    List<SubmitOutcome> first = submitter.submitAll(call);
    List<SubmitOutcome> resent = submitter.submitAll(call.subList(0, 2));

    assertThat(first).extracting(SubmitOutcome::outcome).containsExactly(OutcomeClass.RETRYABLE,
        OutcomeClass.RETRYABLE, OutcomeClass.ACCEPTED);
    assertThat(first.subList(0, 2)).allSatisfy(outcome -> {
      assertThat(outcome.errorCode()).isEqualTo("UnprocessedRecord");
      assertThat(outcome.wholeCall()).isFalse();
    });
    assertThat(resent).extracting(SubmitOutcome::outcome).containsOnly(OutcomeClass.ACCEPTED);
    assertThat(endpoint.accepted()).hasSize(3);
    String firstRecords = records(endpoint.requestBodies().get(0));
    String resentRecords = records(endpoint.requestBodies().get(1));
    assertThat(firstRecords).as("the same records, byte for byte").startsWith(resentRecords + ",");
  }

  @Test
  void aCallWhoseEveryRecordIsUnprocessedCountsAsAFailureForTheCircuitBreakerAndAPartialOneDoesNot() {
    endpoint.faults().unprocessedRecordsNext(1);
    submitter.submitAll(List.of(saas(GLOBEX, "users", lastHour, 1), saas(INITECH, "users", lastHour, 2)));
    assertThat(submitter.gate().breaker().getMetrics().getNumberOfFailedCalls()).isZero();

    endpoint.faults().unprocessedRecordsNext(2);
    submitter.submitAll(List.of(saas(ACME, "users", lastHour, 1), saas(GLOBEX, "requests", lastHour, 2)));
    assertThat(submitter.gate().breaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  /** One whole-call error: how to provoke it around a call, and what every report must get. */
  record WholeCallRow(String name, OutcomeClass expected, String errorCode,
      Function<BatchMeterUsageSubmitterTest, List<UsageReport>> provoke) {
    @Override
    public String toString() {
      return name + " -> " + expected;
    }
  }

  static Stream<WholeCallRow> wholeCallErrors() {
    return Stream.of(
        new WholeCallRow("ThrottlingException", OutcomeClass.RETRYABLE, "ThrottlingException",
            t -> t.fault(f -> f.throttleNext(1))),
        new WholeCallRow("InternalServiceErrorException", OutcomeClass.OUTCOME_UNKNOWN,
            "InternalServiceErrorException", t -> t.fault(f -> f.serverErrorNext(1))),
        new WholeCallRow("TimestampOutOfBoundsException", OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS,
            "TimestampOutOfBoundsException", t -> List.of(saas(GLOBEX, "users", t.lastHour, 1),
                saas(INITECH, "users", t.lastHour.minus(Duration.ofHours(24)), 2))),
        new WholeCallRow("InvalidLicenseException", OutcomeClass.INVALID_CUSTOMER, "InvalidLicenseException",
            t -> t.fault(f -> f.rejectNext(ModelledError.INVALID_LICENSE, 1))),
        new WholeCallRow("InvalidCustomerIdentifierException", OutcomeClass.INVALID_CUSTOMER,
            "InvalidCustomerIdentifierException",
            t -> t.fault(f -> f.rejectNext(ModelledError.INVALID_CUSTOMER_IDENTIFIER, 1))),
        new WholeCallRow("InvalidProductCodeException", OutcomeClass.CONFIGURATION, "InvalidProductCodeException",
            t -> t.fault(f -> f.rejectNext(ModelledError.INVALID_PRODUCT_CODE, 1))),
        new WholeCallRow("InvalidUsageDimensionException", OutcomeClass.INVALID_DIMENSION,
            "InvalidUsageDimensionException", t -> List.of(saas(GLOBEX, "users", t.lastHour, 1),
                saas(INITECH, "gpus", t.lastHour, 2))),
        new WholeCallRow("DisabledApiException", OutcomeClass.CONFIGURATION, "DisabledApiException",
            t -> t.fault(f -> f.rejectNext(ModelledError.DISABLED_API, 1))),
        new WholeCallRow("an unmodelled status (a proxy's 502)", OutcomeClass.OUTCOME_UNKNOWN, "HTTP 502",
            t -> t.fault(f -> f.answerNext(new Faults.Answer(502, "text/html", "<html>502</html>", true)))),
        new WholeCallRow("a connection dropped after recording", OutcomeClass.OUTCOME_UNKNOWN, null,
            t -> t.fault(f -> f.dropNextAfterRecord(1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wholeCallErrors")
  void aWholeCallErrorIsClassifiedOnceByTheTableAndGivenToEveryReportOfTheCall(WholeCallRow row) {
    List<UsageReport> call = row.provoke().apply(this);

    List<SubmitOutcome> outcomes = submitter.submitAll(call);

    assertThat(outcomes).hasSize(call.size()).allSatisfy(outcome -> {
      assertThat(outcome.outcome()).isEqualTo(row.expected());
      assertThat(outcome.wholeCall()).isTrue();
      if (row.errorCode() != null) {
        assertThat(outcome.errorCode()).isEqualTo(row.errorCode());
      }
    });
    assertThat(outcomes.get(0)).isEqualTo(outcomes.get(1));
    assertThat(endpoint.counters().requests()).as("never retried by the submitter").isEqualTo(1);
  }

  @Test
  void twentyFiveRecordsGoInOneCallAndATwentySixthIsRefused() {
    List<UsageReport> candidates = MANY.stream().limit(26).map(b -> saas(b, "users", lastHour, 1)).toList();

    assertThat(submitter.maxReportsPerCall()).isEqualTo(25);
    assertThat(submitter.callSize(candidates)).isEqualTo(25);
    assertThatThrownBy(() -> submitter.submitAll(candidates)).isInstanceOf(IllegalArgumentException.class);
    assertThat(endpoint.counters().requests()).isZero();
    List<SubmitOutcome> outcomes = submitter.submitAll(candidates.subList(0, 25));

    assertThat(outcomes).hasSize(25).extracting(SubmitOutcome::outcome).containsOnly(OutcomeClass.ACCEPTED);
    assertThat(endpoint.counters().requests()).isEqualTo(1);
    assertThat(endpoint.accepted()).hasSize(25);
  }

  @Test
  void aCallIsCutBeforeOneMegabyteCountedExactlyFromTheRecords() {
    List<UsageReport> big = MANY.stream().limit(5).map(b -> saas(b, "users", lastHour, 230, allocations(230)))
        .toList();

    int size = submitter.callSize(big);
    List<SubmitOutcome> outcomes = submitter.submitAll(big.subList(0, size));

    assertThat(size).isEqualTo(3);
    assertThat(outcomes).extracting(SubmitOutcome::outcome).containsOnly(OutcomeClass.ACCEPTED);
    int sentBytes = endpoint.requestBodies().get(0).getBytes(StandardCharsets.UTF_8).length;
    int counted = BatchMeterUsageRequests.envelopeBytes(PRODUCT) + (size - 1)
        + big.subList(0, size).stream().mapToInt(BatchMeterUsageRequests::recordBytes).sum();
    assertThat(counted).as("counted as the SDK and the shim write it").isEqualTo(sentBytes);
    assertThat(sentBytes).isLessThan(BatchMeterUsageOperation.MAX_REQUEST_BYTES);
    assertThat(sentBytes + 1 + BatchMeterUsageRequests.recordBytes(big.get(size)))
        .as("one more would not fit").isGreaterThanOrEqualTo(BatchMeterUsageOperation.MAX_REQUEST_BYTES);
  }

  @Test
  void aRecordTooBigForAnyRequestIsAnInvalidReportAndTheOthersAreStillSent() {
    UsageReport tooBig = saas(GLOBEX, "users", lastHour, 800, allocations(800));
    UsageReport noBuyer = saas(null, "users", lastHour, 1);

    assertThat(submitter.callSize(List.of(tooBig, saas(INITECH, "users", lastHour, 1)))).isEqualTo(1);
    List<SubmitOutcome> alone = submitter.submitAll(List.of(tooBig));
    List<SubmitOutcome> mixed = submitter.submitAll(List.of(noBuyer, saas(INITECH, "users", lastHour, 1)));

    assertThat(alone).singleElement().satisfies(outcome -> {
      assertThat(outcome.outcome()).isEqualTo(OutcomeClass.INVALID_REPORT);
      assertThat(outcome.message()).contains("less than 1048576");
    });
    assertThat(mixed).extracting(SubmitOutcome::outcome).containsExactly(OutcomeClass.INVALID_REPORT,
        OutcomeClass.ACCEPTED);
    assertThat(endpoint.counters().requests()).as("only the valid report was sent").isEqualTo(1);
  }

  @Test
  void recordsThatDifferOnlyInLicenseArnNeverShareACall() {
    List<UsageReport> candidates = List.of(saas(ACME, "users", lastHour, 1),
        saas(ACME_SECOND_LICENSE, "requests", lastHour, 2), saas(ACME_SECOND_LICENSE, "users", lastHour, 3));

    int first = submitter.callSize(candidates);
    List<SubmitOutcome> firstCall = submitter.submitAll(candidates.subList(0, first));
    int second = submitter.callSize(candidates.subList(first, 3));
    List<SubmitOutcome> secondCall = submitter.submitAll(candidates.subList(first, first + second));

    assertThat(first).as("another dimension of the same account may share the call").isEqualTo(2);
    assertThat(second).isEqualTo(1);
    assertThat(concat(firstCall, secondCall)).extracting(SubmitOutcome::outcome).containsOnly(OutcomeClass.ACCEPTED);
    assertThat(endpoint.accepted()).extracting(AcceptedRecord::customer, AcceptedRecord::dimension).containsExactly(
        org.assertj.core.groups.Tuple.tuple(SaasCustomer.license("111111111111", L1), "users"),
        org.assertj.core.groups.Tuple.tuple(SaasCustomer.license("111111111111", L2), "requests"),
        org.assertj.core.groups.Tuple.tuple(SaasCustomer.license("111111111111", L2), "users"));
  }

  @Test
  void aReportsIdentityIsTheShimsIdentityOfItsRecord() {
    for (Buyer buyer : List.of(ACME, GLOBEX, INITECH)) {
      UsageReport report = saas(buyer, "users", lastHour.plusSeconds(42), 3);

      assertThat(BatchMeterUsageRequests.identity(report))
          .isEqualTo(LicenseArnShim.RecordIdentity.of(BatchMeterUsageRequests.record(report)));
    }
  }

  @Test
  void resultsAreMatchedToTheirReportsByRecordWhateverTheirOrder() {
    long at = lastHour.getEpochSecond();
    endpoint.faults().answerNext(new Faults.Answer(200, "application/x-amz-json-1.1", "{\"Results\":["
        + result("\"CustomerIdentifier\":\"cust-initech\"", "requests", at, 3, "id-initech", "Success") + ","
        + result("\"CustomerAWSAccountId\":\"222222222222\"", "users", at, 2, "id-globex", "Success") + ","
        + result("\"CustomerAWSAccountId\":\"111111111111\",\"LicenseArn\":\"" + L1 + "\"", "users", at, 1,
            "id-acme", "Success")
        + "],\"UnprocessedRecords\":[]}", false));

    List<SubmitOutcome> outcomes = submitter.submitAll(List.of(saas(ACME, "users", lastHour, 1),
        saas(GLOBEX, "users", lastHour, 2), saas(INITECH, "requests", lastHour, 3)));

    assertThat(outcomes).extracting(SubmitOutcome::meteringRecordId).containsExactly("id-acme", "id-globex",
        "id-initech");
  }

  @Test
  void aReportTheReplyIsSilentUnclearOrContradictoryAboutIsOutcomeUnknown() {
    long at = lastHour.getEpochSecond();
    String conflicted = "{\"CustomerAWSAccountId\":\"400000000000\",\"Dimension\":\"users\",\"Timestamp\":" + at
        + ",\"Quantity\":4}";
    endpoint.faults().answerNext(new Faults.Answer(200, "application/x-amz-json-1.1", "{\"Results\":["
        + result("\"CustomerAWSAccountId\":\"222222222222\"", "users", at, 2, "id-globex", "Success") + ","
        + result("\"CustomerIdentifier\":\"cust-initech\"", "users", at, 3, null, "SomethingNew") + ","
        + result("\"CustomerAWSAccountId\":\"999999999999\"", "users", at, 9, "id-not-sent", "Success") + ","
        + "{\"UsageRecord\":" + conflicted + ",\"MeteringRecordId\":\"id-many\",\"Status\":\"Success\"}"
        + "],\"UnprocessedRecords\":[" + conflicted + "]}", false));

    List<SubmitOutcome> outcomes = submitter.submitAll(List.of(saas(ACME, "users", lastHour, 1),
        saas(GLOBEX, "users", lastHour, 2), saas(INITECH, "users", lastHour, 3),
        saas(MANY.get(0), "users", lastHour, 4)));

    assertThat(outcomes).extracting(SubmitOutcome::outcome).containsExactly(OutcomeClass.OUTCOME_UNKNOWN,
        OutcomeClass.ACCEPTED, OutcomeClass.OUTCOME_UNKNOWN, OutcomeClass.OUTCOME_UNKNOWN);
    assertThat(outcomes).extracting(SubmitOutcome::errorCode).containsExactly("MissingRecordResult", null,
        "SomethingNew", "ConflictingRecordResults");
    assertThat(outcomes).noneMatch(SubmitOutcome::wholeCall);
  }

  @Test
  void theDefaultRateLimitIsNineCallsASecondForBatchMeterUsageAndStaysFiveForMeterUsage() {
    try (AwsUsageSubmitter meterUsage = LocalAws.submitterFor(endpoint).build();
        AwsUsageSubmitter tuned = LocalAws.submitterFor(endpoint).batchMeterUsage()
            .rateLimit(3, Duration.ofSeconds(1)).build()) {
      var batch = submitter.gate().limiter().getRateLimiterConfig();
      assertThat(batch.getLimitForPeriod()).isEqualTo(9);
      assertThat(batch.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
      assertThat(submitter.gate().limiter().getName()).isEqualTo("hourmeter-batch-meter-usage");
      assertThat(meterUsage.gate().limiter().getRateLimiterConfig().getLimitForPeriod()).isEqualTo(5);
      assertThat(meterUsage.maxReportsPerCall()).isEqualTo(1);
      assertThat(tuned.gate().limiter().getRateLimiterConfig().getLimitForPeriod()).isEqualTo(3);
    }
  }

  @Test
  void permissionCannotBeCheckedAheadSinceBatchMeterUsageHasNoDryRun() {
    SubmitOutcome outcome = submitter.checkPermission(PRODUCT, "users");

    assertThat(outcome.outcome()).isEqualTo(OutcomeClass.ACCEPTED);
    assertThat(outcome.meteringRecordId()).isEqualTo("dry-run-not-supported");
    assertThat(endpoint.counters().requests()).isZero();
  }

  @Test
  void aSuppliedClientWithoutTheLicenseArnInterceptorIsRefusedAtBuild() {
    try (MarketplaceMeteringClient plain = MarketplaceMeteringClient.builder().region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)).endpointOverride(endpoint.uri())
            .httpClient(UrlConnectionHttpClient.create()).build();
        MarketplaceMeteringClient recommended = MarketplaceMeteringClient.builder().region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)).endpointOverride(endpoint.uri())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(AwsUsageSubmitter.clientOverrides().build()).build()) {
      assertThatThrownBy(() -> AwsUsageSubmitter.builder().client(plain).batchMeterUsage().build())
          .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("client:");

      try (AwsUsageSubmitter given = AwsUsageSubmitter.builder().client(recommended).batchMeterUsage().build()) {
        assertThat(given.submit(saas(ACME, "users", lastHour, 1)).outcome()).isEqualTo(OutcomeClass.ACCEPTED);
      }
    }
  }

  /** A call of two reports after setting a fault. */
  private List<UsageReport> fault(java.util.function.Consumer<Faults> set) {
    set.accept(endpoint.faults());
    return List.of(saas(GLOBEX, "users", lastHour, 1), saas(INITECH, "users", lastHour, 2));
  }

  /** {@code n} allocations of 1 unit, each with five long tags, one of them distinct. */
  private static List<UsageAllocation> allocations(int n) {
    String filler = "v".repeat(250);
    List<UsageAllocation> allocations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      allocations.add(new UsageAllocation(1, Map.of("k0", filler + i, "k1", filler, "k2", filler, "k3", filler,
          "k4", filler)));
    }
    return allocations;
  }

  private static String result(String buyer, String dimension, long timestamp, long quantity, String recordId,
      String status) {
    return "{\"UsageRecord\":{" + buyer + ",\"Dimension\":\"" + dimension + "\",\"Timestamp\":" + timestamp
        + ",\"Quantity\":" + quantity + "}" + (recordId == null ? "" : ",\"MeteringRecordId\":\"" + recordId + "\"")
        + ",\"Status\":\"" + status + "\"}";
  }

  /** The text of a request's UsageRecords array, between its brackets (records without allocations). */
  private static String records(String body) {
    int start = body.indexOf("\"UsageRecords\":[") + "\"UsageRecords\":[".length();
    return body.substring(start, body.indexOf(']', start));
  }

  private static <T> List<T> concat(List<? extends T> a, List<? extends T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
