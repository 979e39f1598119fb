package io.hourmeter.aws;

import static io.hourmeter.aws.Reports.PRODUCT;
import static io.hourmeter.spi.OutcomeClass.ACCEPTED;
import static io.hourmeter.spi.OutcomeClass.CONFIGURATION;
import static io.hourmeter.spi.OutcomeClass.DUPLICATE_REQUEST;
import static io.hourmeter.spi.OutcomeClass.IDEMPOTENCY_CONFLICT;
import static io.hourmeter.spi.OutcomeClass.INVALID_CUSTOMER;
import static io.hourmeter.spi.OutcomeClass.INVALID_DIMENSION;
import static io.hourmeter.spi.OutcomeClass.INVALID_REPORT;
import static io.hourmeter.spi.OutcomeClass.NOT_ENTITLED;
import static io.hourmeter.spi.OutcomeClass.OUTCOME_UNKNOWN;
import static io.hourmeter.spi.OutcomeClass.RETRYABLE;
import static io.hourmeter.spi.OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.hourmeter.local.Faults.Answer;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.ModelledError;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Every row of {@link ErrorClassification}: each error the local endpoint can produce is provoked through
 * the real SDK client over HTTP, and the exception the SDK threw is classified; the few codes only AWS's
 * own front end produces are classified from SDK exceptions built as the SDK builds them.
 */
class ErrorClassificationTest {

  /** The errors the model lists for MeterUsage (meteringmarketplace-service-2.json, operations.MeterUsage.errors). */
  static final List<String> MODELLED_METER_USAGE_ERRORS = List.of("InternalServiceErrorException",
      "InvalidProductCodeException", "InvalidUsageDimensionException", "InvalidTagException",
      "InvalidUsageAllocationsException", "InvalidEndpointRegionException", "TimestampOutOfBoundsException",
      "DuplicateRequestException", "IdempotencyConflictException", "ThrottlingException",
      "CustomerNotEntitledException");

  /** The errors the model lists for BatchMeterUsage (operations.BatchMeterUsage.errors). */
  static final List<String> MODELLED_BATCH_METER_USAGE_ERRORS = List.of("InternalServiceErrorException",
      "InvalidProductCodeException", "InvalidUsageDimensionException", "InvalidTagException",
      "InvalidUsageAllocationsException", "InvalidCustomerIdentifierException", "TimestampOutOfBoundsException",
      "ThrottlingException", "DisabledApiException", "InvalidLicenseException");

  private static final String OTHER_AWS_ERROR_ROW = "other AWS error: 5xx, 429, or a code the table does not know";
  private static final String IO_ROW = "IOException: refused, reset, closed without an answer, read timeout";
  private static final MutableClock CLOCK = MutableClock.atHour(493_100).advance(Duration.ofMinutes(30));
  private static final Instant LAST_HOUR = Instant.ofEpochSecond((CLOCK.epochHour() - 1) * 3600);

  private LocalMeteringEndpoint endpoint;
  private AwsUsageSubmitter submitter;
  private final List<AutoCloseable> extra = new java.util.ArrayList<>();

  /** One row: how to make the real SDK throw, and what the table must say. */
  record HttpRow(String errorCode, OutcomeClass expected, String rowName,
      Function<ErrorClassificationTest, Throwable> provoke) {
    /** A row for an AWS error code, which is also the table row's name. */
    HttpRow(String errorCode, OutcomeClass expected, Function<ErrorClassificationTest, Throwable> provoke) {
      this(errorCode, expected, errorCode, provoke);
    }

    @Override
    public String toString() {
      return errorCode + " -> " + expected;
    }
  }

  static Stream<HttpRow> httpRows() {
    return Stream.of(
        new HttpRow("ThrottlingException", RETRYABLE, t -> {
          t.endpoint.faults().throttleNext(1);
          return t.thrownBy(t.client(), hourly("users", 5));
        }),
        new HttpRow("InternalServiceErrorException", OUTCOME_UNKNOWN, t -> {
          t.endpoint.faults().serverErrorNext(1);
          return t.thrownBy(t.client(), hourly("users", 5));
        }),
        // What a proxy or load balancer in front of the service answers, possibly after the service
        // recorded the request: nothing in it proves a rejection.
        new HttpRow("HTTP 502", OUTCOME_UNKNOWN, OTHER_AWS_ERROR_ROW,
            t -> t.thrownByScripted(new Answer(502, "text/html", "<html><body>502 Bad Gateway</body></html>", true))),
        new HttpRow("HTTP 503", OUTCOME_UNKNOWN, OTHER_AWS_ERROR_ROW,
            t -> t.thrownByScripted(new Answer(503, null, "", false))),
        new HttpRow("HTTP 504", OUTCOME_UNKNOWN, OTHER_AWS_ERROR_ROW,
            t -> t.thrownByScripted(new Answer(504, "text/html", "<html>504 Gateway Time-out</html>", true))),
        new HttpRow("HTTP 429", OUTCOME_UNKNOWN, OTHER_AWS_ERROR_ROW,
            t -> t.thrownByScripted(new Answer(429, "text/plain", "Too Many Requests", false))),
        new HttpRow("HTTP 403", OUTCOME_UNKNOWN, OTHER_AWS_ERROR_ROW,
            t -> t.thrownByScripted(new Answer(403, "text/html", "<html>Forbidden by proxy policy</html>", false))),
        new HttpRow("SomethingNewException", OUTCOME_UNKNOWN, OTHER_AWS_ERROR_ROW,
            t -> t.thrownByScripted(new Answer(400, "application/x-amz-json-1.1",
                "{\"__type\":\"SomethingNewException\",\"message\":\"not in the model\"}", false))),
        new HttpRow("DuplicateRequestException", DUPLICATE_REQUEST, t -> {
          t.client().meterUsage(hourly("users", 5));
          return t.thrownBy(t.client(), hourly("users", 6));
        }),
        new HttpRow("IdempotencyConflictException", IDEMPOTENCY_CONFLICT, t -> {
          t.client().meterUsage(hourly("users", 5).toBuilder().clientToken("tok-a").build());
          return t.thrownBy(t.client(), hourly("users", 6).toBuilder().clientToken("tok-a").build());
        }),
        new HttpRow("TimestampOutOfBoundsException", TIMESTAMP_OUT_OF_BOUNDS,
            t -> t.thrownBy(t.client(), hourly("users", 5).toBuilder().timestamp(LAST_HOUR.minus(Duration.ofHours(7))).build())),
        new HttpRow("InvalidProductCodeException", CONFIGURATION,
            t -> t.thrownBy(t.client(), hourly("users", 5).toBuilder().productCode("prod-nope").build())),
        new HttpRow("InvalidUsageDimensionException", INVALID_DIMENSION,
            t -> t.thrownBy(t.client(), hourly("gpus", 5))),
        new HttpRow("InvalidTagException", INVALID_REPORT,
            t -> t.thrownBy(t.client(), hourly("users", 5).toBuilder().usageAllocations(UsageAllocation.builder()
                .allocatedUsageQuantity(5).tags(Tag.builder().key("bad{key").value("v").build()).build()).build())),
        new HttpRow("InvalidUsageAllocationsException", INVALID_REPORT,
            t -> t.thrownBy(t.client(), hourly("users", 5).toBuilder().usageAllocations(UsageAllocation.builder()
                .allocatedUsageQuantity(4).build()).build())),
        new HttpRow("InvalidEndpointRegionException", CONFIGURATION,
            t -> t.thrownBy(t.clientWith(b -> b.region(Region.US_WEST_2)), hourly("users", 5))),
        new HttpRow("CustomerNotEntitledException", NOT_ENTITLED,
            t -> t.thrownBy(t.client(), hourly("users", 5).toBuilder().productCode("prod-unpaid").build())),
        new HttpRow("ValidationException", INVALID_REPORT,
            t -> t.thrownBy(t.client(), hourly("users", 5).toBuilder().usageQuantity(-1).build())),
        new HttpRow("UnrecognizedClientException", CONFIGURATION,
            t -> t.thrownBy(t.clientWith(b -> b.credentialsProvider(LocalAws.credentials("AKIDREJECTED"))),
                hourly("users", 5))),
        new HttpRow("AccessDeniedException", CONFIGURATION,
            t -> t.thrownBy(t.clientWith(b -> b.credentialsProvider(LocalAws.credentials("AKIDDENIED"))),
                hourly("users", 5))),
        new HttpRow("ExpiredTokenException", CONFIGURATION,
            t -> t.thrownBy(t.clientWith(b -> b.credentialsProvider(StaticCredentialsProvider.create(
                AwsSessionCredentials.create("ASIATEST", "secret", "expired-session")))), hourly("users", 5))),
        new HttpRow("MissingAuthenticationTokenException", CONFIGURATION,
            t -> t.thrownBy(t.clientWith(b -> b.credentialsProvider(AnonymousCredentialsProvider.create())),
                hourly("users", 5))),
        new HttpRow("CredentialsUnavailable", CONFIGURATION,
            t -> t.thrownBy(t.clientWith(b -> b.credentialsProvider(ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(new java.io.ByteArrayInputStream(new byte[0]))
                    .type(ProfileFile.Type.CREDENTIALS).build())
                .profileName("hourmeter-absent").build())), hourly("users", 5))),
        new HttpRow("DryRunOperation", ACCEPTED,
            t -> t.thrownBy(t.client(), hourly("users", 0).toBuilder().dryRun(true).build())),
        new HttpRow("UnauthorizedException", CONFIGURATION,
            t -> t.thrownBy(t.clientWith(b -> b.credentialsProvider(LocalAws.credentials("AKIDDENIED"))),
                hourly("users", 0).toBuilder().dryRun(true).build())),
        new HttpRow("SocketTimeoutException", OUTCOME_UNKNOWN, IO_ROW, t -> {
          t.endpoint.faults().latency(Duration.ofMillis(1500));
          return t.thrownBy(t.clientWith(b -> b.readTimeout(Duration.ofMillis(150))), hourly("users", 5));
        }),
        new HttpRow("ApiCallTimeoutException", OUTCOME_UNKNOWN, t -> {
          t.endpoint.faults().latency(Duration.ofMillis(1500));
          return t.thrownBy(t.clientWith(b -> b.apiCallTimeout(Duration.ofMillis(150))), hourly("users", 5));
        }),
        new HttpRow("ConnectException", OUTCOME_UNKNOWN, IO_ROW, t -> {
          URI closed;
          try (LocalMeteringEndpoint gone = LocalMeteringEndpoint.builder().product(PRODUCT, "users").build().start()) {
            closed = gone.uri();
          }
          return t.thrownBy(t.clientAt(closed), hourly("users", 5));
        }),
        new HttpRow("SocketException", OUTCOME_UNKNOWN, IO_ROW, t -> {
          t.endpoint.faults().dropNextAfterRecord(1);
          return t.thrownBy(t.client(), hourly("users", 5));
        }),
        // BatchMeterUsage: the same table, for errors that answer the whole call.
        new HttpRow("ThrottlingException", RETRYABLE, t -> {
          t.endpoint.faults().throttleNext(1);
          return t.thrownByBatch(batch("users", LAST_HOUR));
        }),
        new HttpRow("InternalServiceErrorException", OUTCOME_UNKNOWN, t -> {
          t.endpoint.faults().serverErrorNext(1);
          return t.thrownByBatch(batch("users", LAST_HOUR));
        }),
        new HttpRow("TimestampOutOfBoundsException", TIMESTAMP_OUT_OF_BOUNDS,
            t -> t.thrownByBatch(batch("users", LAST_HOUR.minus(Duration.ofHours(25))))),
        new HttpRow("InvalidProductCodeException", CONFIGURATION,
            t -> t.thrownByBatch(batch("users", LAST_HOUR).toBuilder().productCode("prod-nope").build())),
        new HttpRow("InvalidUsageDimensionException", INVALID_DIMENSION,
            t -> t.thrownByBatch(batch("gpus", LAST_HOUR))),
        new HttpRow("InvalidCustomerIdentifierException", INVALID_CUSTOMER, t -> {
          t.endpoint.faults().rejectNext(ModelledError.INVALID_CUSTOMER_IDENTIFIER, 1);
          return t.thrownByBatch(batch("users", LAST_HOUR));
        }),
        new HttpRow("InvalidLicenseException", INVALID_CUSTOMER, t -> {
          t.endpoint.faults().rejectNext(ModelledError.INVALID_LICENSE, 1);
          return t.thrownByBatch(batch("users", LAST_HOUR));
        }),
        new HttpRow("DisabledApiException", CONFIGURATION, t -> {
          t.endpoint.faults().rejectNext(ModelledError.DISABLED_API, 1);
          return t.thrownByBatch(batch("users", LAST_HOUR));
        }),
        new HttpRow("UnsentRequestException", CONFIGURATION, UnsentRequestException.ROW, t -> {
          // A license attached for a record the request does not hold: the shim refuses to send it.
          BatchMeterUsageRequest licensed = batch("users", LAST_HOUR);
          return t.thrownByBatch(licensed.toBuilder().usageRecords(licensed.usageRecords().get(0).toBuilder()
              .dimension("other").build()).build());
        }));
  }

  /** Codes only AWS's front end produces, classified from exceptions shaped as the SDK shapes them. */
  static Stream<Object[]> frontEndRows() {
    return Stream.of(
        new Object[] {"DisabledApiException", 400, CONFIGURATION},
        new Object[] {"InvalidRegionException", 400, CONFIGURATION},
        new Object[] {"SerializationException", 400, INVALID_REPORT},
        new Object[] {"InvalidClientTokenId", 403, CONFIGURATION},
        new Object[] {"AccessDenied", 403, CONFIGURATION},
        new Object[] {"ExpiredToken", 400, CONFIGURATION},
        new Object[] {"InvalidSignatureException", 400, CONFIGURATION},
        new Object[] {"SignatureDoesNotMatch", 403, CONFIGURATION},
        new Object[] {"IncompleteSignature", 400, CONFIGURATION},
        new Object[] {"RequestLimitExceeded", 400, RETRYABLE},
        // Answers that do not prove the request was rejected: the service may have recorded it.
        new Object[] {"ServiceUnavailableException", 503, OUTCOME_UNKNOWN},
        new Object[] {"ServiceUnavailable", 503, OUTCOME_UNKNOWN},
        new Object[] {"TooManyRequestsException", 429, OUTCOME_UNKNOWN},
        new Object[] {"RequestTimeoutException", 408, OUTCOME_UNKNOWN},
        new Object[] {"InternalFailure", 500, OUTCOME_UNKNOWN},
        new Object[] {"SomethingNewServerSide", 502, OUTCOME_UNKNOWN},
        new Object[] {"SomethingNewThrottled", 429, OUTCOME_UNKNOWN},
        new Object[] {"SomethingNewRejected", 400, OUTCOME_UNKNOWN},
        new Object[] {null, 418, OUTCOME_UNKNOWN},
        new Object[] {null, 503, OUTCOME_UNKNOWN});
  }

  /** The row a front-end code falls under: its own, or the fallback for codes the table does not list. */
  private static String frontEndRowName(String code) {
    return ErrorClassification.TABLE.stream().anyMatch(row -> row.name().equals(code)) ? code : OTHER_AWS_ERROR_ROW;
  }

  /** Client-side failures the endpoint cannot provoke, shaped as the SDK raises them. */
  static Stream<Object[]> clientSideRows() {
    return Stream.of(
        new Object[] {"ApiCallAttemptTimeoutException", ApiCallAttemptTimeoutException.create(150), OUTCOME_UNKNOWN},
        new Object[] {"other SDK client failure", SdkClientException.create("unmarshalling failed"), OUTCOME_UNKNOWN},
        new Object[] {"anything else", new IllegalStateException("a bug"), OUTCOME_UNKNOWN});
  }

  @BeforeEach
  void start() {
    endpoint = LocalMeteringEndpoint.builder()
        .product(PRODUCT, "users")
        .product("prod-unpaid", "users")
        .notEntitled("prod-unpaid")
        .rejectedAccessKey("AKIDREJECTED")
        .deniedAccessKey("AKIDDENIED")
        .expiredSessionToken("expired-session")
        .clock(CLOCK)
        .build()
        .start();
    submitter = LocalAws.submitterFor(endpoint).build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : extra) {
      closeable.close();
    }
    submitter.close();
    endpoint.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("httpRows")
  void eachErrorTheEndpointProducesThroughTheSdkIsClassifiedByTheTable(HttpRow row) {
    Throwable thrown = row.provoke().apply(this);

    SubmitOutcome outcome = ErrorClassification.classify(thrown);

    assertThat(ErrorClassification.rowFor(thrown).name()).as("row for %s", thrown).isEqualTo(row.rowName());
    assertThat(outcome.outcome()).as("%s from %s", row.errorCode(), thrown).isEqualTo(row.expected());
    if (row.expected() != ACCEPTED) {
      assertThat(outcome.errorCode()).isEqualTo(row.errorCode());
    }
  }

  @ParameterizedTest(name = "{0} ({1}) -> {2}")
  @MethodSource("frontEndRows")
  void errorCodesOnlyAwsFrontEndsSendAreClassifiedByTheTable(String code, int status, OutcomeClass expected) {
    MarketplaceMeteringException thrown = (MarketplaceMeteringException) MarketplaceMeteringException.builder()
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("from AWS").build())
        .statusCode(status)
        .build();

    assertThat(ErrorClassification.rowFor(thrown).name()).isEqualTo(frontEndRowName(code));
    assertThat(ErrorClassification.classify(thrown).outcome()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("clientSideRows")
  void clientSideFailuresTheEndpointCannotProvokeAreClassifiedByTheTable(String rowName, Throwable thrown,
      OutcomeClass expected) {
    assertThat(ErrorClassification.rowFor(thrown).name()).isEqualTo(rowName);
    assertThat(ErrorClassification.classify(thrown).outcome()).isEqualTo(expected);
  }

  @Test
  void everyModelledMeterUsageErrorHasARow() {
    assertThat(rowNames()).containsAll(MODELLED_METER_USAGE_ERRORS);
  }

  @Test
  void everyModelledBatchMeterUsageErrorHasARow() {
    assertThat(rowNames()).containsAll(MODELLED_BATCH_METER_USAGE_ERRORS);
  }

  @Test
  void eachRecordStatusOfTheModelHasItsOwnRowAndAnyOtherProvesNothing() {
    assertThat(List.of("Success", "CustomerNotSubscribed", "DuplicateRecord"))
        .allSatisfy(status -> assertThat(ErrorClassification.statusRow(status).name()).isEqualTo(status));
    assertThat(ErrorClassification.recordStatus("CustomerNotSubscribed", null).outcome())
        .isEqualTo(OutcomeClass.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(ErrorClassification.recordStatus("DuplicateRecord", null).outcome()).isEqualTo(DUPLICATE_REQUEST);
    assertThat(ErrorClassification.recordStatus("Success", null).outcome())
        .as("Success without a record id").isEqualTo(OUTCOME_UNKNOWN);
    assertThat(ErrorClassification.recordStatus(null, null).errorCode()).isEqualTo("MissingStatus");
    assertThat(ErrorClassification.recordStatus(ErrorClassification.UNPROCESSED, null).outcome())
        .as("a status spelled like an internal row is still unknown").isEqualTo(OUTCOME_UNKNOWN);
    assertThat(ErrorClassification.unprocessedRecord().outcome()).isEqualTo(RETRYABLE);
    assertThat(ErrorClassification.unansweredRecord().outcome()).isEqualTo(OUTCOME_UNKNOWN);
  }

  @Test
  void aRequestRefusedBeforeSendingIsNeverOutcomeUnknown() {
    BatchMeterUsageRequest licensed = batch("users", LAST_HOUR);
    Throwable refused = thrownByBatch(licensed.toBuilder().usageRecords(licensed.usageRecords().get(0).toBuilder()
        .dimension("other").build()).build());

    SubmitOutcome outcome = ErrorClassification.classify(refused, AwsUsageSubmitter.BATCH_METER_USAGE_PERMISSION);

    assertThat(endpoint.counters().requests()).as("nothing was sent").isZero();
    assertThat(outcome.outcome()).isEqualTo(CONFIGURATION);
    assertThat(outcome.message()).contains("nothing was recorded");
  }

  @Test
  void everyRowOfTheTableIsReachedByACaseAbove() {
    Set<String> reached = new HashSet<>();
    httpRows().forEach(row -> reached.add(row.rowName()));
    frontEndRows().forEach(row -> reached.add(frontEndRowName((String) row[0])));
    clientSideRows().forEach(row -> reached.add((String) row[0]));

    assertThat(reached).containsExactlyInAnyOrderElementsOf(rowNames());
  }

  private static List<String> rowNames() {
    return ErrorClassification.TABLE.stream().map(ErrorClassification.Row::name).toList();
  }

  private static MeterUsageRequest hourly(String dimension, int quantity) {
    return MeterUsageRequest.builder().productCode(PRODUCT).usageDimension(dimension).timestamp(LAST_HOUR)
        .usageQuantity(quantity).build();
  }

  /** A BatchMeterUsage request of one licensed record (the client's shim adds its LicenseArn). */
  private static BatchMeterUsageRequest batch(String dimension, Instant at) {
    return LicenseArnShim.request(PRODUCT, List.of(new LicenseArnShim.LicensedRecord(UsageRecord.builder()
        .customerAWSAccountId("111111111111").dimension(dimension).timestamp(at).quantity(5).build(),
        "arn:aws:license-manager::111111111111:license/l-1")));
  }

  private Throwable thrownByBatch(BatchMeterUsageRequest request) {
    try {
      client().batchMeterUsage(request);
    } catch (RuntimeException thrown) {
      return thrown;
    }
    return fail("expected BatchMeterUsage to fail: " + request);
  }

  private MarketplaceMeteringClient client() {
    return submitter.client();
  }

  private MarketplaceMeteringClient clientWith(java.util.function.UnaryOperator<AwsUsageSubmitterBuilder> change) {
    AwsUsageSubmitterBuilder builder = AwsUsageSubmitter.builder().endpointOverride(endpoint.uri());
    builder = change.apply(builder);
    fillDefaults(builder);
    AwsUsageSubmitter other = builder.build();
    extra.add(other);
    return other.client();
  }

  private MarketplaceMeteringClient clientAt(URI uri) {
    AwsUsageSubmitterBuilder builder = AwsUsageSubmitter.builder().endpointOverride(uri);
    fillDefaults(builder);
    AwsUsageSubmitter other = builder.build();
    extra.add(other);
    return other.client();
  }

  /** Sets region and credentials unless the row set them, so no test consults the default chains. */
  private static void fillDefaults(AwsUsageSubmitterBuilder builder) {
    try {
      builder.region(Region.US_EAST_1);
    } catch (IllegalStateException alreadySet) {
      // the row chose a region
    }
    try {
      builder.credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY));
    } catch (IllegalStateException alreadySet) {
      // the row chose credentials
    }
  }

  /** What the SDK throws for a MeterUsage that the endpoint answers with {@code answer}. */
  private Throwable thrownByScripted(Answer answer) {
    endpoint.faults().answerNext(answer);
    return thrownBy(client(), hourly("users", 5));
  }

  private Throwable thrownBy(MarketplaceMeteringClient client, MeterUsageRequest request) {
    try {
      client.meterUsage(request);
    } catch (RuntimeException thrown) {
      return thrown;
    }
    return fail("expected MeterUsage to fail: " + request);
  }
}
