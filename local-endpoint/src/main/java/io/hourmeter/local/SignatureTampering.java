package io.hourmeter.local;

/**
 * Ways {@link Faults#tamperSignatureNext} spoils the next RegisterUsage answers, each one a token that a
 * correct verifier must refuse. Every token is still a well-formed JWT, signed for real (only the named
 * part is wrong), so a test shows the verifier checks that part rather than failing on a malformed
 * token.
 */
public enum SignatureTampering {
  /** PS256, signed with an RSA key pair that is not the one of the requested PublicKeyVersion. */
  WRONG_KEY,
  /** The right key and algorithm, but the payload's nonce is another random one (a replayed answer). */
  OTHER_NONCE,
  /** The payload names another product code. */
  OTHER_PRODUCT_CODE,
  /** The payload names another public key version than the request's. */
  OTHER_KEY_VERSION,
  /** Issued ten minutes before the endpoint's clock (an old answer replayed). */
  OLD_ISSUE_TIME,
  /** Issued ten minutes after the endpoint's clock. */
  FUTURE_ISSUE_TIME,
  /**
   * {@code alg: RS256} (RSASSA-PKCS1-v1_5), signed with the right private key: the signature checks,
   * so only a verifier that pins PS256 refuses it.
   */
  RS256
}
