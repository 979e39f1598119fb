package io.hourmeter.aws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies the {@code Signature} RegisterUsage answers, with nimbus-jose-jwt: a compact JWS whose
 * algorithm must be {@code PS256} (RSASSA-PSS with SHA-256) and nothing else, so an unsigned
 * ({@code alg: none}), HMAC ({@code HS*}, the classic trick of keying HMAC with the public key) or
 * PKCS#1 v1.5 ({@code RS*}) token is refused before any signature is checked; whose signature checks
 * against the AWS Marketplace public key of the version that was sent; and whose payload names the
 * product code, public key version and nonce that were sent, with an issue time within
 * {@link #MAX_CLOCK_SKEW} of the clock. Anything else is a {@link Failure} naming what was wrong.
 *
 * <p>The payload's claim names ({@value #PRODUCT_CODE_CLAIM}, {@value #PUBLIC_KEY_VERSION_CLAIM},
 * {@value #NONCE_CLAIM}, and the registered {@code iat}) are kept here, the one place that reads them.
 *
 * <p>Immutable; thread-safe.
 */
final class RegistrationSignature {

  /** The one algorithm a RegisterUsage Signature may use. */
  static final JWSAlgorithm ALGORITHM = JWSAlgorithm.PS256;
  /** How far the Signature's issue time may be from the clock, either way. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  static final String PRODUCT_CODE_CLAIM = "productCode";
  static final String PUBLIC_KEY_VERSION_CLAIM = "publicKeyVersion";
  static final String NONCE_CLAIM = "nonce";
  private static final String PEM_KEY_BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String PEM_KEY_END = "-----END PUBLIC KEY-----";

  /** Why a Signature was refused. Immutable. */
  static final class Failure extends Exception {
    Failure(String reason) {
      super(reason, null, false, false);
    }
  }

  private final Map<Integer, RSAPublicKey> keys;

  /** A verifier with the AWS Marketplace public key of each version. */
  RegistrationSignature(Map<Integer, RSAPublicKey> keysByVersion) {
    this.keys = Map.copyOf(keysByVersion);
  }

  /**
   * Checks {@code token} against what was sent, and returns its issue time.
   *
   * @throws Failure naming the first check that failed
   */
  Instant verify(String token, String productCode, int publicKeyVersion, String nonce, Instant now)
      throws Failure {
    if (token == null || token.isEmpty()) {
      throw new Failure("the answer carried no Signature");
    }
    SignedJWT jwt = signed(token);
    RSAPublicKey key = keys.get(publicKeyVersion);
    if (key == null) {
      throw new Failure("no public key is configured for version " + publicKeyVersion);
    }
    try {
      if (!jwt.verify(new RSASSAVerifier(key))) {
        throw new Failure("the signature does not check against the configured public key of version "
            + publicKeyVersion);
      }
    } catch (JOSEException e) {
      throw new Failure("the signature cannot be checked against the public key of version "
          + publicKeyVersion + ": " + e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new Failure("the signed payload is not a JWT claims set: " + e.getMessage());
    }
    expect(claims.getClaim(PRODUCT_CODE_CLAIM), productCode, PRODUCT_CODE_CLAIM);
    expectVersion(claims.getClaim(PUBLIC_KEY_VERSION_CLAIM), publicKeyVersion);
    expect(claims.getClaim(NONCE_CLAIM), nonce, NONCE_CLAIM);
    Date issued = claims.getIssueTime();
    if (issued == null) {
      throw new Failure("the payload has no issue time (iat)");
    }
    Instant issuedAt = issued.toInstant();
    if (Duration.between(issuedAt, now).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new Failure("it was issued at " + issuedAt + ", more than " + MAX_CLOCK_SKEW.toMinutes()
          + " minutes from now (" + now + "): an old answer replayed, or a clock far off");
    }
    return issuedAt;
  }

  /** The token as a JWS of {@link #ALGORITHM}, or a Failure naming what it is instead. */
  private static SignedJWT signed(String token) throws Failure {
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new Failure("it is not a JWT: " + e.getMessage());
    }
    if (!(parsed instanceof SignedJWT jwt)) {
      throw new Failure("it is not signed (algorithm " + parsed.getHeader().getAlgorithm() + "); only "
          + ALGORITHM + " is accepted");
    }
    if (!ALGORITHM.equals(jwt.getHeader().getAlgorithm())) {
      throw new Failure("its algorithm is " + jwt.getHeader().getAlgorithm() + "; only " + ALGORITHM
          + " is accepted");
    }
    return jwt;
  }

  private static void expect(Object actual, String sent, String claim) throws Failure {
    if (!Objects.equals(actual, sent)) {
      throw new Failure("its " + claim + " is " + describe(actual) + " but " + describe(sent) + " was sent");
    }
  }

  private static void expectVersion(Object actual, int sent) throws Failure {
    boolean same = actual instanceof Number number && number.doubleValue() == sent
        || actual instanceof String text && text.equals(Integer.toString(sent));
    if (!same) {
      throw new Failure("its " + PUBLIC_KEY_VERSION_CLAIM + " is " + describe(actual) + " but " + sent
          + " was sent");
    }
  }

  private static String describe(Object value) {
    return value == null ? "absent" : value instanceof String ? "'" + value + "'" : String.valueOf(value);
  }

  /**
   * The RSA public key in {@code pem} ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo),
   * of at least 2048 bits.
   *
   * @throws IllegalArgumentException naming {@code option} and saying what is wrong
   */
  static RSAPublicKey parsePem(String pem, String option) {
    Objects.requireNonNull(pem, option);
    String text = pem.strip();
    PublicKey key;
    try {
      if (text.startsWith(PEM_KEY_BEGIN) && text.endsWith(PEM_KEY_END)) {
        byte[] der = Base64.getMimeDecoder().decode(
            text.substring(PEM_KEY_BEGIN.length(), text.length() - PEM_KEY_END.length()));
        key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      } else {
        key = null;
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " is not a readable PEM RSA public key: " + e.getMessage(), e);
    }
    if (key == null) {
      throw new IllegalArgumentException(option + " must be a PEM public key (" + PEM_KEY_BEGIN + " ... "
          + PEM_KEY_END + "), as AWS Marketplace gives it, but starts with '"
          + text.substring(0, Math.min(30, text.length())) + "'");
    }
    if (!(key instanceof RSAPublicKey rsa)) {
      throw new IllegalArgumentException(option + " must be an RSA key (PS256) but is " + key.getAlgorithm());
    }
    if (rsa.getModulus().bitLength() < 2048) {
      throw new IllegalArgumentException(option + " must be at least 2048 bits but has "
          + rsa.getModulus().bitLength());
    }
    return rsa;
  }
}
