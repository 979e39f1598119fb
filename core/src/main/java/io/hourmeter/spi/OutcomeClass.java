package io.hourmeter.spi;

/**
 * The outcome classes of METERING-API.md: every MeterUsage result maps to exactly one, and each maps to
 * one transition of the report state machine.
 */
public enum OutcomeClass {
  /** AWS recorded the report (or an identical one before) and returned its MeteringRecordId. */
  ACCEPTED(false),
  /** Throttling, or another answer that proves AWS did not record it. Back off and keep the report. */
  RETRYABLE(true),
  /**
   * AWS may or may not have recorded it: a timeout, a connection error, or any answer that does not prove
   * a rejection (a 5xx, which a proxy can send after the service recorded the request; a 429; a code or
   * status a submitter does not know). Resend byte-identical; never carry or re-cut it.
   */
  OUTCOME_UNKNOWN(true),
  /** DuplicateRequest: another quantity already stands for this dimension-hour. Final; alert. */
  DUPLICATE_REQUEST(false),
  /** IdempotencyConflict: the ClientToken was used with other parameters. Final; a bug; alert. */
  IDEMPOTENCY_CONFLICT(false),
  /** TimestampOutOfBounds: too old, in the future, or before usage began. Carry or dead-letter. */
  TIMESTAMP_OUT_OF_BOUNDS(false),
  /** InvalidUsageDimension: quarantine this dimension only. */
  INVALID_DIMENSION(false),
  /** InvalidTag, InvalidUsageAllocations or a limit broken: the report can never be sent as is. */
  INVALID_REPORT(false),
  /** Product code, region or credentials: stop sending, keep journaling, retry slowly. */
  CONFIGURATION(false),
  /** CustomerNotEntitled: stop sending, keep journaling, check again slowly. */
  NOT_ENTITLED(false),
  /**
   * BatchMeterUsage's CustomerNotSubscribed status: this buyer cannot use the product. The report is
   * dead-lettered (never billed) and the buyer quarantined: its later reports wait, and one is tried
   * again slowly, while its usage keeps being journaled.
   */
  CUSTOMER_NOT_SUBSCRIBED(false),
  /**
   * InvalidCustomerIdentifier or InvalidLicense: the record names a buyer AWS does not know for the
   * product. Dead-lettered, and the buyer quarantined as for {@link #CUSTOMER_NOT_SUBSCRIBED}.
   */
  INVALID_CUSTOMER(false);

  private final boolean retryable;

  OutcomeClass(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether the same report should be sent again after a backoff (and counted by a circuit breaker). */
  public boolean retryable() {
    return retryable;
  }
}
