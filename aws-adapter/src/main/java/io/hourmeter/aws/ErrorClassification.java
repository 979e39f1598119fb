package io.hourmeter.aws;

import static io.hourmeter.spi.OutcomeClass.ACCEPTED;
import static io.hourmeter.spi.OutcomeClass.CONFIGURATION;
import static io.hourmeter.spi.OutcomeClass.CUSTOMER_NOT_SUBSCRIBED;
import static io.hourmeter.spi.OutcomeClass.DUPLICATE_REQUEST;
import static io.hourmeter.spi.OutcomeClass.IDEMPOTENCY_CONFLICT;
import static io.hourmeter.spi.OutcomeClass.INVALID_CUSTOMER;
import static io.hourmeter.spi.OutcomeClass.INVALID_DIMENSION;
import static io.hourmeter.spi.OutcomeClass.INVALID_REPORT;
import static io.hourmeter.spi.OutcomeClass.NOT_ENTITLED;
import static io.hourmeter.spi.OutcomeClass.OUTCOME_UNKNOWN;
import static io.hourmeter.spi.OutcomeClass.RETRYABLE;
import static io.hourmeter.spi.OutcomeClass.TIMESTAMP_OUT_OF_BOUNDS;

import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one place where a Metering answer becomes an {@link OutcomeClass}, which the drainer obeys: for
 * MeterUsage and BatchMeterUsage alike, a thrown failure by {@link #TABLE} (read top to bottom, first
 * match wins; each row applies to every operation that can receive its error, so a throttled or
 * InvalidUsageDimension BatchMeterUsage call is classified exactly as a MeterUsage one), and a
 * BatchMeterUsage record's own answer by {@link #RECORD_STATUSES}.
 *
 * <p><b>Only proof of rejection lets usage move.</b> An AWS answer proves that the request was not
 * recorded only when its error code says so: the modelled 4xx errors of MeterUsage and BatchMeterUsage,
 * throttling, and the AWS front end's authentication, signature and validation errors. Each has a row, matched by error code
 * (the modelled exception's name, as sent in {@code __type} / {@code x-amzn-ErrorType}). Every other
 * answer is {@link OutcomeClass#OUTCOME_UNKNOWN}: a 5xx (the modelled InternalServiceError included), a
 * 429, and any code or status this table does not list. A proxy or load balancer in front of the service
 * can answer 502, 503 or 504 after the service recorded the request, and a service error may come after
 * the record was written; treating such an answer as "not recorded" would let the drainer carry the usage
 * into another hour or re-cut it under a new ClientToken, billing it twice. An outcome-unknown report is
 * still retried (with backoff, and counted by the circuit breaker), always byte-identical, which AWS
 * deduplicates; it is only never moved.
 *
 * <p>Client-side failures follow the AWS answers: timeouts and connection errors leave the outcome
 * unknown too; credentials that cannot be resolved fail before anything is sent and are configuration.
 * Anything else is "outcome unknown".
 *
 * <p>Stateless; thread-safe.
 */
final class ErrorClassification {

  /** The name of the row for every AWS answer whose code no other row lists. */
  static final String OTHER_AWS_ERROR = "other AWS error: 5xx, 429, or a code the table does not know";

  /**
   * One row: a failure it matches and the class it gets.
   *
   * @param name    the AWS error code the row matches, or a name for a client-side rule
   * @param matches whether a failure falls under this row
   * @param outcome the class
   */
  record Row(String name, Predicate<Throwable> matches, OutcomeClass outcome) { }

  /**
   * METERING-API.md's error table, with the unmodelled codes and client-side failures around it. For
   * BatchMeterUsage every row is an answer to the whole call, never to one of its records.
   */
  static final List<Row> TABLE = List.of(
      // The eleven errors the model lists for MeterUsage; BatchMeterUsage lists seven of them too.
      code("ThrottlingException", RETRYABLE),                     // 400: refused unrecorded; back off
      code("InternalServiceErrorException", OUTCOME_UNKNOWN),     // 500: may have been recorded first
      code("DuplicateRequestException", DUPLICATE_REQUEST),       // the hour holds another quantity
      code("IdempotencyConflictException", IDEMPOTENCY_CONFLICT), // 409: token reused; a bug
      code("TimestampOutOfBoundsException", TIMESTAMP_OUT_OF_BOUNDS),
      code("InvalidProductCodeException", CONFIGURATION),
      code("InvalidUsageDimensionException", INVALID_DIMENSION),  // quarantine the dimension
      code("InvalidTagException", INVALID_REPORT),
      code("InvalidUsageAllocationsException", INVALID_REPORT),
      code("InvalidEndpointRegionException", CONFIGURATION),      // endpoint region != instance's
      code("CustomerNotEntitledException", NOT_ENTITLED),
      // The errors only BatchMeterUsage lists: a record names a buyer AWS does not know for the product
      // (a CustomerIdentifier, or a LicenseArn: no SDK class, the shim reads its error code). The
      // drainer isolates the record and dead-letters it, and quarantines the buyer.
      code("InvalidCustomerIdentifierException", INVALID_CUSTOMER),
      rule(LicenseArnShim.INVALID_LICENSE, LicenseArnShim::isInvalidLicense, INVALID_CUSTOMER),
      code("DisabledApiException", CONFIGURATION),                // BatchMeterUsage: the API is off
      // Modelled shapes that other operations list, in case a send is ever answered with them.
      code("InvalidRegionException", CONFIGURATION),
      code("ExpiredTokenException", CONFIGURATION),               // expired session credentials
      // Unmodelled: request validation by the AWS front end.
      code("ValidationException", INVALID_REPORT),
      code("SerializationException", INVALID_REPORT),
      // Unmodelled: credentials and permissions (keep journaling; alert).
      code("UnrecognizedClientException", CONFIGURATION),
      code("InvalidClientTokenId", CONFIGURATION),
      code("AccessDeniedException", CONFIGURATION),
      code("AccessDenied", CONFIGURATION),
      code("ExpiredToken", CONFIGURATION),
      code("InvalidSignatureException", CONFIGURATION),
      code("SignatureDoesNotMatch", CONFIGURATION),
      code("IncompleteSignature", CONFIGURATION),
      code("MissingAuthenticationTokenException", CONFIGURATION),
      // DryRun answers: allowed, or not allowed, to call aws-marketplace:MeterUsage.
      code("DryRunOperation", ACCEPTED),
      code("UnauthorizedException", CONFIGURATION),
      // Unmodelled: the front end's throttling, refused before it reached the service.
      code("RequestLimitExceeded", RETRYABLE),
      // Any other AWS answer proves nothing: 5xx (ServiceUnavailable, a proxy's 502/504 with an HTML or
      // no body), 429 (TooManyRequests), 408 (RequestTimeout), or a code or status not listed above.
      rule(OTHER_AWS_ERROR, t -> t instanceof AwsServiceException, OUTCOME_UNKNOWN),
      // Client side: Hourmeter's own interceptors refused the request before a byte was sent (a LicenseArn
      // the shim cannot place): nothing was recorded, and a resend would be refused the same way. Not
      // outcome-unknown; sending stops until the adapter or SDK is fixed, and usage stays journaled.
      rule(UnsentRequestException.ROW, ErrorClassification::isUnsent, CONFIGURATION),
      // Client side: nothing came back from AWS.
      rule("ApiCallTimeoutException", t -> t instanceof ApiCallTimeoutException, OUTCOME_UNKNOWN),
      rule("ApiCallAttemptTimeoutException", t -> t instanceof ApiCallAttemptTimeoutException, OUTCOME_UNKNOWN),
      rule("CredentialsUnavailable", ErrorClassification::isCredentialsFailure, CONFIGURATION),
      rule("IOException: refused, reset, closed without an answer, read timeout",
          t -> ioCause(t) != null, OUTCOME_UNKNOWN),
      rule("other SDK client failure", t -> t instanceof SdkClientException, OUTCOME_UNKNOWN),
      rule("anything else", t -> true, OUTCOME_UNKNOWN));

  /**
   * One answer BatchMeterUsage gives about one record.
   *
   * @param name    the {@code Status} as AWS sends it, or a name for an answer that is not a status
   * @param outcome the class
   * @param meaning why, for the report's reason and the log
   */
  record StatusRow(String name, OutcomeClass outcome, String meaning) { }

  /** The row name for a record left in {@code UnprocessedRecords}. */
  static final String UNPROCESSED = "UnprocessedRecords entry";
  /** The row name for a record the reply says nothing about. */
  static final String NO_ANSWER = "in neither Results nor UnprocessedRecords";
  /** The row name for a {@code Status} the model does not list, or none. */
  static final String OTHER_STATUS = "other or missing Status";

  /**
   * The answers a BatchMeterUsage reply gives about each of its records: the three statuses of the
   * model's {@code UsageRecordResultStatus}, the {@code UnprocessedRecords} list, and the cases the
   * model does not describe. Only {@code Success} with a MeteringRecordId bills; only the statuses and
   * UnprocessedRecords prove what happened to a record. None of these is an answer to the whole call.
   */
  static final List<StatusRow> RECORD_STATUSES = List.of(
      new StatusRow("Success", ACCEPTED, "accepted"),
      new StatusRow("CustomerNotSubscribed", CUSTOMER_NOT_SUBSCRIBED, "the buyer cannot use this product "
          + "(invalid, without an active agreement or subscription, or suspended): not billed, and later "
          + "records of the buyer fail too until it subscribes"),
      new StatusRow("DuplicateRecord", DUPLICATE_REQUEST, "another quantity was metered before for this "
          + "buyer, dimension and time: the first stands, this one is not billed"),
      new StatusRow(UNPROCESSED, RETRYABLE, "BatchMeterUsage left the record in UnprocessedRecords (a "
          + "transient error on the service side): not recorded; resend it unchanged"),
      new StatusRow(NO_ANSWER, OUTCOME_UNKNOWN, "BatchMeterUsage answered without a result or an "
          + "UnprocessedRecords entry for this record: it may or may not have been recorded; resend it "
          + "identically"),
      new StatusRow(OTHER_STATUS, OUTCOME_UNKNOWN, "a Status the model does not list proves nothing: the "
          + "record may or may not have been recorded; resend it identically"));

  private ErrorClassification() { }

  /**
   * The outcome of a BatchMeterUsage record whose result carried {@code status} (as sent; {@code null}
   * when absent) and {@code meteringRecordId}. A Success without a record id proves nothing. Never
   * throws.
   */
  static SubmitOutcome recordStatus(String status, String meteringRecordId) {
    StatusRow row = statusRow(status);
    if (row.outcome() == ACCEPTED) {
      return meteringRecordId == null || meteringRecordId.isEmpty()
          ? SubmitOutcome.failed(OUTCOME_UNKNOWN, "MissingMeteringRecordId",
              "BatchMeterUsage answered Success without a MeteringRecordId; " + statusRowNamed(OTHER_STATUS).meaning())
          : SubmitOutcome.accepted(meteringRecordId);
    }
    return SubmitOutcome.failed(row.outcome(), status == null ? "MissingStatus" : status, row.meaning());
  }

  /** The outcome of a record BatchMeterUsage left in {@code UnprocessedRecords}. */
  static SubmitOutcome unprocessedRecord() {
    return SubmitOutcome.failed(RETRYABLE, "UnprocessedRecord", statusRowNamed(UNPROCESSED).meaning());
  }

  /** The outcome of a record the BatchMeterUsage reply says nothing about. */
  static SubmitOutcome unansweredRecord() {
    return SubmitOutcome.failed(OUTCOME_UNKNOWN, "MissingRecordResult", statusRowNamed(NO_ANSWER).meaning());
  }

  /** The row for a record's {@code status}: its own when the model lists it, else {@link #OTHER_STATUS}. */
  static StatusRow statusRow(String status) {
    boolean modelled = status != null && !status.equals(UNPROCESSED) && !status.equals(NO_ANSWER)
        && !status.equals(OTHER_STATUS);
    return statusRowNamed(modelled && RECORD_STATUSES.stream().anyMatch(row -> row.name().equals(status))
        ? status : OTHER_STATUS);
  }

  private static StatusRow statusRowNamed(String name) {
    return RECORD_STATUSES.stream().filter(row -> row.name().equals(name)).findFirst().orElseThrow();
  }

  /** The outcome of a MeterUsage call that threw {@code failure}, by the first matching row. Never throws. */
  static SubmitOutcome classify(Throwable failure) {
    return classify(failure, AwsUsageSubmitter.METER_USAGE_PERMISSION);
  }

  /**
   * The outcome of a call that threw {@code failure}, by the first matching row; messages about
   * permissions name {@code iamAction}, the operation's IAM action. Never throws.
   */
  static SubmitOutcome classify(Throwable failure, String iamAction) {
    Row row = rowFor(failure);
    if (row.outcome() == ACCEPTED) {
      return SubmitOutcome.accepted(AwsUsageSubmitter.DRY_RUN_RECORD_ID);
    }
    if (failure instanceof AwsServiceException service) {
      String code = errorCode(service);
      String message = service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
          ? service.awsErrorDetails().errorMessage() : String.valueOf(service.getMessage());
      if (code.equals("UnauthorizedException") || code.startsWith("AccessDenied")) {
        message += " (the credentials in use need the IAM permission " + iamAction + ")";
      }
      if (row.outcome() == OUTCOME_UNKNOWN) {
        message += " (HTTP " + service.statusCode() + " does not prove the request was rejected: AWS may "
            + "have recorded it, so it is resent identically and never moved to another hour or token)";
      }
      return SubmitOutcome.failed(row.outcome(), code, message);
    }
    if (row.name().equals(UnsentRequestException.ROW)) {
      return SubmitOutcome.failed(row.outcome(), UnsentRequestException.class.getSimpleName(),
          "Hourmeter refused the request before sending it, so nothing was recorded, and a resend would be "
          + "refused the same way (a defect of its LicenseArn shim, or an SDK it does not expect): sending "
          + "stops, usage stays journaled. " + failure.getMessage());
    }
    IOException io = ioCause(failure);
    String code = row.name().equals("CredentialsUnavailable") || io == null
        ? (row.name().contains(" ") ? failure.getClass().getSimpleName() : row.name())
        : io.getClass().getSimpleName();
    return SubmitOutcome.failed(row.outcome(), code, explain(row.outcome(), failure));
  }

  /** The first row of {@link #TABLE} that matches {@code failure}; the last row matches everything. */
  static Row rowFor(Throwable failure) {
    return TABLE.stream().filter(candidate -> candidate.matches().test(failure)).findFirst().orElseThrow();
  }

  private static String explain(OutcomeClass outcome, Throwable failure) {
    if (outcome == CONFIGURATION) {
      return "no AWS credentials could be resolved (instance role, ECS task role, IRSA web identity, "
          + "AgentCore execution role): " + failure.getMessage();
    }
    return "AWS may or may not have recorded it; resend identically: " + failure;
  }

  private static Row code(String errorCode, OutcomeClass outcome) {
    return new Row(errorCode, t -> t instanceof AwsServiceException e && errorCode.equals(errorCode(e)), outcome);
  }

  private static Row rule(String name, Predicate<Throwable> matches, OutcomeClass outcome) {
    return new Row(name, matches, outcome);
  }

  private static String errorCode(AwsServiceException service) {
    String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
    return code == null ? "HTTP " + service.statusCode() : code;
  }

  private static boolean isCredentialsFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CredentialsUnavailableException) {
        return true;
      }
      String message = t.getMessage();
      if (message != null && message.toLowerCase(Locale.ROOT).contains("unable to load credentials")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isUnsent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnsentRequestException) {
        return true;
      }
    }
    return false;
  }

  private static IOException ioCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }
}
