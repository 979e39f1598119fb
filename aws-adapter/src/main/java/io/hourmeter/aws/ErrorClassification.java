package io.hourmeter.aws;

import static io.hourmeter.spi.OutcomeClass.ACCEPTED;
import static io.hourmeter.spi.OutcomeClass.CONFIGURATION;
import static io.hourmeter.spi.OutcomeClass.DUPLICATE_REQUEST;
import static io.hourmeter.spi.OutcomeClass.IDEMPOTENCY_CONFLICT;
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
 * The one place where a MeterUsage failure becomes an {@link OutcomeClass}, which the drainer obeys:
 * {@link #TABLE}, read top to bottom, first match wins.
 *
 * <p><b>Only proof of rejection lets usage move.</b> An AWS answer proves that the request was not
 * recorded only when its error code says so: the modelled 4xx errors of MeterUsage, throttling, and the
 * AWS front end's authentication, signature and validation errors. Each has a row, matched by error code
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

  /** METERING-API.md's error table, with the unmodelled codes and client-side failures around it. */
  static final List<Row> TABLE = List.of(
      // The eleven errors the model lists for MeterUsage.
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
      // Modelled shapes that other operations list, in case MeterUsage ever answers them.
      code("DisabledApiException", CONFIGURATION),
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
      // Client side: nothing came back from AWS.
      rule("ApiCallTimeoutException", t -> t instanceof ApiCallTimeoutException, OUTCOME_UNKNOWN),
      rule("ApiCallAttemptTimeoutException", t -> t instanceof ApiCallAttemptTimeoutException, OUTCOME_UNKNOWN),
      rule("CredentialsUnavailable", ErrorClassification::isCredentialsFailure, CONFIGURATION),
      rule("IOException: refused, reset, closed without an answer, read timeout",
          t -> ioCause(t) != null, OUTCOME_UNKNOWN),
      rule("other SDK client failure", t -> t instanceof SdkClientException, OUTCOME_UNKNOWN),
      rule("anything else", t -> true, OUTCOME_UNKNOWN));

  private ErrorClassification() { }

  /** The outcome of a MeterUsage call that threw {@code failure}, by the first matching row. Never throws. */
  static SubmitOutcome classify(Throwable failure) {
    Row row = rowFor(failure);
    if (row.outcome() == ACCEPTED) {
      return SubmitOutcome.accepted(AwsUsageSubmitter.DRY_RUN_RECORD_ID);
    }
    if (failure instanceof AwsServiceException service) {
      String code = errorCode(service);
      String message = service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
          ? service.awsErrorDetails().errorMessage() : String.valueOf(service.getMessage());
      if (code.equals("UnauthorizedException") || code.startsWith("AccessDenied")) {
        message += " (the credentials in use need the IAM permission "
            + AwsUsageSubmitter.METER_USAGE_PERMISSION + ")";
      }
      if (row.outcome() == OUTCOME_UNKNOWN) {
        message += " (HTTP " + service.statusCode() + " does not prove the request was rejected: AWS may "
            + "have recorded it, so it is resent identically and never moved to another hour or token)";
      }
      return SubmitOutcome.failed(row.outcome(), code, message);
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

  private static IOException ioCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }
}
