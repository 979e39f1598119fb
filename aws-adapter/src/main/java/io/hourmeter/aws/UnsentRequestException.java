package io.hourmeter.aws;

/**
 * A request that Hourmeter's own {@link MarshalledBodyRewrite} interceptors refused before a byte of it
 * was sent (the LicenseArn shim cannot place a license, for instance), so AWS cannot have recorded it.
 * {@link ErrorClassification} tells it from failures after sending, which leave the outcome unknown.
 * An {@link IllegalStateException}, as the refusal always was; its message is the refusal's.
 */
final class UnsentRequestException extends IllegalStateException {

  /** The name of its row in {@link ErrorClassification#TABLE}. */
  static final String ROW = "refused by Hourmeter before sending";

  private static final long serialVersionUID = 1L;

  UnsentRequestException(RuntimeException refusal) {
    super(refusal.getMessage(), refusal);
  }
}
