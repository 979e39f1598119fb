package io.hourmeter.local;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * RegisterUsage as the endpoint answers it: the product must be known and entitled (the same check as
 * MeterUsage's), the PublicKeyVersion one of {@code 1..publicKeyVersions}
 * ({@code InvalidPublicKeyVersionException} otherwise), and the answer a PS256 JWT over the product
 * code, key version, nonce and issue time (the endpoint's clock, in epoch seconds), signed with that
 * version's key, plus {@code PublicKeyRotationTimestamp} for a version given a rotation time. Whatever
 * {@link SignatureTampering} is due spoils the token.
 *
 * <p>Thread-safe: the received calls are guarded by their list; the signer is thread-safe.
 */
final class ContainerRegistrations {

  private static final Duration TAMPERED_CLOCK_SKEW = Duration.ofMinutes(10);

  private final MeteringRecords records;
  private final InstantSource clock;
  private final int publicKeyVersions;
  private final Map<Integer, Instant> rotations;
  private final RegistrationSigner signer = new RegistrationSigner();
  private final List<ReceivedRegistration> received = new ArrayList<>();

  ContainerRegistrations(MeteringRecords records, InstantSource clock, int publicKeyVersions,
      Map<Integer, Instant> rotations) {
    this.records = records;
    this.clock = clock;
    this.publicKeyVersions = publicKeyVersions;
    this.rotations = Map.copyOf(rotations);
  }

  /** The PEM of {@code version}'s public key, which a container is configured with. */
  String publicKeyPem(int version) {
    if (version < 1 || version > publicKeyVersions) {
      throw new IllegalArgumentException("publicKeyPem: version " + version + " is not within 1.."
          + publicKeyVersions + " (LocalMeteringEndpoint.Builder.publicKeyVersions)");
    }
    return signer.publicKeyPem(version);
  }

  /** Every call answered with a Signature so far, in order. */
  List<ReceivedRegistration> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Checks the call and returns the answer's JSON body, its Signature spoiled by {@code tampering}. */
  String register(RegisterUsageCall call, SignatureTampering tampering) throws MeteringError {
    records.entitledDimensions(call.productCode());
    int version = call.publicKeyVersion();
    if (version > publicKeyVersions) {
      throw MeteringError.badRequest("InvalidPublicKeyVersionException", "Public key version " + version
          + " is invalid: this endpoint has versions 1.." + publicKeyVersions + ".");
    }
    Instant now = clock.instant();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put(RegistrationSigner.PRODUCT_CODE_CLAIM,
        tampering == SignatureTampering.OTHER_PRODUCT_CODE ? call.productCode() + "-other" : call.productCode());
    claims.put(RegistrationSigner.PUBLIC_KEY_VERSION_CLAIM,
        tampering == SignatureTampering.OTHER_KEY_VERSION ? version + 1 : version);
    claims.put(RegistrationSigner.NONCE_CLAIM,
        tampering == SignatureTampering.OTHER_NONCE ? UUID.randomUUID().toString() : call.nonce());
    Instant issued = tampering == SignatureTampering.OLD_ISSUE_TIME ? now.minus(TAMPERED_CLOCK_SKEW)
        : tampering == SignatureTampering.FUTURE_ISSUE_TIME ? now.plus(TAMPERED_CLOCK_SKEW) : now;
    claims.put(RegistrationSigner.ISSUED_AT_CLAIM, issued.getEpochSecond());
    String token = signer.sign(version, claims, tampering);
    synchronized (received) {
      received.add(new ReceivedRegistration(call.productCode(), version, call.nonce(), now));
    }
    Instant rotation = rotations.get(version);
    return "{\"Signature\":" + Json.quote(token)
        + (rotation == null ? "" : ",\"PublicKeyRotationTimestamp\":" + rotation.getEpochSecond()) + "}";
  }
}
