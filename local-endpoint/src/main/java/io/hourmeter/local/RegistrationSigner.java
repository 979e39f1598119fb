package io.hourmeter.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The endpoint's stand-in for AWS Marketplace's RegisterUsage signing keys: one RSA key pair (2048 bits)
 * per public key version, generated on first use so that endpoints which never serve RegisterUsage pay
 * nothing, and a stranger key pair for {@link SignatureTampering#WRONG_KEY}. Signs compact JWS tokens
 * with the JDK alone: {@code RSASSA-PSS} with SHA-256, MGF1-SHA-256 and a 32-byte salt, which is what
 * JWA (RFC 7518, section 3.5) calls {@code PS256}, or {@code SHA256withRSA} for
 * {@link SignatureTampering#RS256}.
 *
 * <p>Thread-safe: key generation and lookup are synchronized; signing uses a new {@link Signature} per
 * token.
 */
final class RegistrationSigner {

  /** The JWT claims of a RegisterUsage Signature: product code, key version, nonce, issue time. */
  static final String PRODUCT_CODE_CLAIM = "productCode";
  static final String PUBLIC_KEY_VERSION_CLAIM = "publicKeyVersion";
  static final String NONCE_CLAIM = "nonce";
  static final String ISSUED_AT_CLAIM = "iat";

  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  private static final int KEY_BITS = 2048;

  private final Map<Integer, KeyPair> keys = new HashMap<>();
  private KeyPair stranger;

  /** The key pair of {@code version}, made on first use. */
  synchronized KeyPair keyPair(int version) {
    return keys.computeIfAbsent(version, v -> generate());
  }

  private synchronized KeyPair stranger() {
    if (stranger == null) {
      stranger = generate();
    }
    return stranger;
  }

  /** The public key of {@code version} as PEM ({@code BEGIN PUBLIC KEY}, X.509 SubjectPublicKeyInfo). */
  String publicKeyPem(int version) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(keyPair(version).getPublic().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  /**
   * A compact JWS over the given claims, signed with the key of {@code version} (or as
   * {@code tampering} spoils it; {@code null} for none). Claims with a {@code null} value are left out.
   */
  String sign(int version, Map<String, Object> claims, SignatureTampering tampering) {
    boolean rs256 = tampering == SignatureTampering.RS256;
    String header = "{\"alg\":\"" + (rs256 ? "RS256" : "PS256") + "\",\"typ\":\"JWT\"}";
    String input = encode(header) + "." + encode(Json.write(withoutNulls(claims)));
    PrivateKey key = (tampering == SignatureTampering.WRONG_KEY ? stranger() : keyPair(version)).getPrivate();
    try {
      Signature signature;
      if (rs256) {
        signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
      } else {
        signature = Signature.getInstance("RSASSA-PSS");
        signature.initSign(key);
        signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      }
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot sign " + (rs256 ? "RS256" : "PS256"), e);
    }
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> claims) {
    Map<String, Object> kept = new LinkedHashMap<>();
    claims.forEach((name, value) -> {
      if (value != null) {
        kept.put(name, value);
      }
    });
    return kept;
  }

  private static String encode(String json) {
    return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(KEY_BITS);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate an RSA key pair", e);
    }
  }
}
