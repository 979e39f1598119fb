package io.hourmeter.aws;

/**
 * RegisterUsage ended without a verified registration, so the container must not serve: AWS refused it
 * (the buyer is not entitled, the platform or region is not supported, the product code or key version is
 * wrong, the API is disabled, the credentials lack {@code aws-marketplace:RegisterUsage}), its Signature
 * failed verification, or AWS kept failing for longer than the retry window. The message says what the
 * seller or the buyer must do. {@link ContainerRegistration#registerOrExit()} logs it and stops the
 * process. Immutable.
 */
public final class RegistrationFailedException extends RuntimeException {

  /** The {@link #errorCode()} of a Signature that failed verification. */
  public static final String SIGNATURE_REFUSED = "SignatureVerificationFailed";

  private final String errorCode;
  private final boolean retriesExhausted;

  RegistrationFailedException(String errorCode, boolean retriesExhausted, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.retriesExhausted = retriesExhausted;
  }

  /**
   * The AWS error code that ended the registration (for example {@code CustomerNotEntitledException}),
   * {@link #SIGNATURE_REFUSED}, or, when the retry window ran out, the last retryable failure's code.
   */
  public String errorCode() {
    return errorCode;
  }

  /** Whether the registration ended because retryable failures (throttling, 5xx, network) outlasted the window. */
  public boolean retriesExhausted() {
    return retriesExhausted;
  }
}
