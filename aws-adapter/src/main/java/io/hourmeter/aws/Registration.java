package io.hourmeter.aws;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A container's successful, verified RegisterUsage: what was sent, and the AWS Marketplace Signature
 * that proves the buyer may run this product here, now. Immutable.
 *
 * @param productCode       the product code sent, and named in the Signature
 * @param publicKeyVersion  the public key version sent, whose key verified the Signature
 * @param nonce             the random nonce sent for this registration, and named in the Signature
 * @param issuedAt          the Signature's issue time ({@code iat}), within 5 minutes of the clock
 * @param signature         the Signature (a PS256 JWT) as AWS sent it
 * @param publicKeyRotation when AWS said the key version is expiring ({@code PublicKeyRotationTimestamp}),
 *                          the time it gave; empty otherwise. The seller must ship the next key version
 *                          before then.
 */
public record Registration(String productCode, int publicKeyVersion, String nonce, Instant issuedAt,
    String signature, Optional<Instant> publicKeyRotation) {

  public Registration {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(publicKeyRotation, "publicKeyRotation");
  }
}
