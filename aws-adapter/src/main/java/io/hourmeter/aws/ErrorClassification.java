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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one place where a MeterUsage failure becomes an {@link OutcomeClass}, which the drainer obeys.
 *
 * <p>AWS service errors are looked up by error code (the modelled exception's name, as sent in
 * {@code __type} / {@code x-amzn-ErrorType}) in {@link #SERVICE_ERRORS}; the SDK's client-side failures
 * are ranked by {@link #classifyClientFailure}. Error codes not in the table fall back on the HTTP
 * status: 5xx and 429 are retryable, any other status is a configuration problem (stop sending, keep
 * journaling, retry slowly), which loses nothing. Anything unrecognised that is not an AWS answer is
 * treated as "outcome unknown", which is safe because every resend is byte-identical.
 *
 * <p>Stateless; thread-safe.
 */
final class ErrorClassification {

  /** The rows of METERING-API.md's error table and the unmodelled codes AWS uses around them. */
  static final Map<String, OutcomeClass> SERVICE_ERRORS = table();

  private ErrorClassification() { }

  private static Map<String, OutcomeClass> table() {
    Map<String, OutcomeClass> rows = new LinkedHashMap<>();
    // The eleven errors the model lists for MeterUsage.
    rows.put("ThrottlingException", RETRYABLE);                     // back off with jitter
    rows.put("InternalServiceErrorException", RETRYABLE);           // 500
    rows.put("DuplicateRequestException", DUPLICATE_REQUEST);       // hour holds another quantity
    rows.put("IdempotencyConflictException", IDEMPOTENCY_CONFLICT); // 409: token reused, a bug
    rows.put("TimestampOutOfBoundsException", TIMESTAMP_OUT_OF_BOUNDS);
    rows.put("InvalidProductCodeException", CONFIGURATION);
    rows.put("InvalidUsageDimensionException", INVALID_DIMENSION);  // quarantine the dimension
    rows.put("InvalidTagException", INVALID_REPORT);
    rows.put("InvalidUsageAllocationsException", INVALID_REPORT);
    rows.put("InvalidEndpointRegionException", CONFIGURATION);      // endpoint region != instance's
    rows.put("CustomerNotEntitledException", NOT_ENTITLED);
    // Modelled shapes that other operations list; classified in case MeterUsage ever answers them.
    rows.put("DisabledApiException", CONFIGURATION);
    rows.put("InvalidRegionException", CONFIGURATION);
    rows.put("ExpiredTokenException", CONFIGURATION);               // expired session credentials
    // Unmodelled: request validation done by the AWS front end.
    rows.put("ValidationException", INVALID_REPORT);
    rows.put("SerializationException", INVALID_REPORT);
    // Unmodelled: credentials and permissions (keep journaling; alert).
    rows.put("UnrecognizedClientException", CONFIGURATION);
    rows.put("InvalidClientTokenId", CONFIGURATION);
    rows.put("AccessDeniedException", CONFIGURATION);
    rows.put("AccessDenied", CONFIGURATION);
    rows.put("ExpiredToken", CONFIGURATION);
    rows.put("InvalidSignatureException", CONFIGURATION);
    rows.put("SignatureDoesNotMatch", CONFIGURATION);
    rows.put("IncompleteSignature", CONFIGURATION);
    rows.put("MissingAuthenticationTokenException", CONFIGURATION);
    // DryRun answers: allowed / not allowed to call aws-marketplace:MeterUsage.
    rows.put("DryRunOperation", ACCEPTED);
    rows.put("UnauthorizedException", CONFIGURATION);
    // Unmodelled: the front end is overloaded or timed out while handling the request.
    rows.put("ServiceUnavailableException", RETRYABLE);
    rows.put("ServiceUnavailable", RETRYABLE);
    rows.put("TooManyRequestsException", RETRYABLE);
    rows.put("RequestLimitExceeded", RETRYABLE);
    rows.put("RequestTimeoutException", OUTCOME_UNKNOWN);
    return Collections.unmodifiableMap(rows);
  }

  /** The outcome of a MeterUsage call that threw {@code failure}. Never throws. */
  static SubmitOutcome classify(Throwable failure) {
    if (failure instanceof AwsServiceException service) {
      return classifyServiceError(service);
    }
    if (isCredentialsFailure(failure)) {
      return SubmitOutcome.failed(CONFIGURATION, "CredentialsUnavailable", "no AWS credentials could be "
          + "resolved (instance role, ECS task role, IRSA web identity, AgentCore execution role): "
          + failure.getMessage());
    }
    if (failure instanceof SdkClientException client) {
      return classifyClientFailure(client);
    }
    return SubmitOutcome.failed(OUTCOME_UNKNOWN, failure.getClass().getSimpleName(),
        "unexpected failure, resending identically: " + failure);
  }

  private static SubmitOutcome classifyServiceError(AwsServiceException service) {
    String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
    String message = service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
        ? String.valueOf(service.getMessage()) : service.awsErrorDetails().errorMessage();
    OutcomeClass outcome = code == null ? null : SERVICE_ERRORS.get(code);
    if (outcome == null) {
      int status = service.statusCode();
      outcome = status >= 500 || status == 429 ? RETRYABLE : CONFIGURATION;
      code = code == null ? "HTTP " + status : code;
    }
    if (outcome == ACCEPTED) {
      return SubmitOutcome.accepted(AwsUsageSubmitter.DRY_RUN_RECORD_ID);
    }
    if (code.equals("UnauthorizedException") || code.startsWith("AccessDenied")) {
      message = message + " (the credentials in use need the IAM permission aws-marketplace:MeterUsage)";
    }
    return SubmitOutcome.failed(outcome, code, message);
  }

  /**
   * Client-side failures (credentials that could not be resolved were ruled out before: they fail before
   * anything is sent, and are configuration), in order: the overall or per-attempt API timeout (the
   * request may have been received: outcome unknown); an I/O failure on the connection: refused, reset, closed without an answer, read
   * timeout (outcome unknown); anything else the SDK raised (outcome unknown).
   */
  static SubmitOutcome classifyClientFailure(SdkClientException client) {
    String code = client.getClass().getSimpleName();
    if (client instanceof ApiCallTimeoutException || client instanceof ApiCallAttemptTimeoutException) {
      return SubmitOutcome.failed(OUTCOME_UNKNOWN, code, "MeterUsage timed out; AWS may or may not have "
          + "recorded it: " + client.getMessage());
    }
    IOException io = ioCause(client);
    if (io != null) {
      return SubmitOutcome.failed(OUTCOME_UNKNOWN, io.getClass().getSimpleName(), "connection failed; AWS "
          + "may or may not have recorded it: " + io);
    }
    return SubmitOutcome.failed(OUTCOME_UNKNOWN, code, "SDK client failure: " + client.getMessage());
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
