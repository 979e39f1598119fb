package io.hourmeter.local;

import java.util.Map;

/**
 * A parsed RegisterUsage request, checked against the service model's limits: {@code ProductCode}
 * (required, at most 255 characters of its pattern), {@code PublicKeyVersion} (required, an integer of
 * at least 1) and {@code Nonce} (optional, at most 255 characters). A broken limit is
 * {@code ValidationException}, a wrong JSON type {@code SerializationException}, as for MeterUsage.
 * Immutable.
 *
 * @param productCode      the product code sent
 * @param publicKeyVersion the public key version sent
 * @param nonce            the nonce sent, or {@code null} when the request carried none
 */
record RegisterUsageCall(String productCode, int publicKeyVersion, String nonce) {

  /** Parses and validates a request body. */
  static RegisterUsageCall parse(String body) throws MeteringError {
    Map<?, ?> members = WireMembers.object(body);
    String productCode = WireMembers.string(members, "ProductCode", "productCode", true);
    MeterUsageCall.checkProductCode(productCode);
    Object rawVersion = members.get("PublicKeyVersion");
    if (rawVersion == null) {
      throw MeteringError.validation("1 validation error detected: Value null at 'publicKeyVersion' failed "
          + "to satisfy constraint: Member must not be null");
    }
    long version = WireMembers.integer(rawVersion, "PublicKeyVersion");
    if (version < 1 || version > Integer.MAX_VALUE) {
      throw MeteringError.validation("1 validation error detected: Value '" + version + "' at "
          + "'publicKeyVersion' failed to satisfy constraint: Member must have value greater than or equal to 1");
    }
    String nonce = WireMembers.string(members, "Nonce", "nonce", false);
    if (nonce != null && nonce.length() > 255) {
      throw MeteringError.validation("1 validation error detected: Value at 'nonce' failed to satisfy "
          + "constraint: Member must have length less than or equal to 255");
    }
    return new RegisterUsageCall(productCode, (int) version, nonce);
  }
}
