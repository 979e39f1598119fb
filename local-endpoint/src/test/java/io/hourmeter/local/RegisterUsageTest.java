package io.hourmeter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RegisterUsage on the local endpoint, over HTTP with hand-written requests: the answer is a JWT that the
 * JDK's own RSASSA-PSS verifies against {@link LocalMeteringEndpoint#publicKeyPem}, and each fault spoils
 * exactly what it names. One endpoint for the class, since its key pairs take a while to generate.
 */
class RegisterUsageTest {

  private static final String TARGET = LocalMeteringEndpoint.REGISTER_USAGE_TARGET;
  private static final Instant NOW = Instant.parse("2026-12-02T10:20:30Z");
  private static final Instant ROTATION = Instant.parse("2027-01-01T00:00:00Z");

  private static LocalMeteringEndpoint endpoint;
  private static RawClient client;

  @BeforeAll
  static void start() {
    endpoint = LocalMeteringEndpoint.builder()
        .product("prod-container", "tasks")
        .product("prod-unpaid", "tasks")
        .notEntitled("prod-unpaid")
        .publicKeyVersions(2)
        .publicKeyRotation(2, ROTATION)
        .clock(() -> NOW)
        .build().start();
    client = new RawClient(endpoint.uri());
  }

  @AfterEach
  void clearFaults() {
    endpoint.faults().clear();
  }

  @AfterAll
  static void stop() {
    endpoint.close();
  }

  @Test
  void answersAPs256JwtOverProductKeyVersionNonceAndIssueTimeSignedWithThatVersionsKey() throws Exception {
    HttpResponse<String> answer = register("prod-container", 1, "nonce-1");

    assertThat(answer.statusCode()).isEqualTo(200);
    Map<?, ?> body = (Map<?, ?>) Json.parse(answer.body());
    assertThat(body.containsKey("PublicKeyRotationTimestamp")).isFalse();
    String token = (String) body.get("Signature");
    assertThat(header(token)).isEqualTo(Map.of("alg", "PS256", "typ", "JWT"));
    assertThat(payload(token)).isEqualTo(Map.of("productCode", "prod-container",
        "publicKeyVersion", BigDecimal.ONE, "nonce", "nonce-1", "iat", BigDecimal.valueOf(NOW.getEpochSecond())));
    assertThat(verifiesPs256(token, endpoint.publicKeyPem(1))).isTrue();
    assertThat(verifiesPs256(token, endpoint.publicKeyPem(2))).as("another version's key").isFalse();
    assertThat(endpoint.registrations()).last()
        .isEqualTo(new ReceivedRegistration("prod-container", 1, "nonce-1", NOW));
  }

  @Test
  void aVersionGivenARotationTimeAnswersPublicKeyRotationTimestamp() throws Exception {
    Map<?, ?> body = (Map<?, ?>) Json.parse(register("prod-container", 2, "n").body());

    assertThat(body.get("PublicKeyRotationTimestamp")).isEqualTo(BigDecimal.valueOf(ROTATION.getEpochSecond()));
    assertThat(verifiesPs256((String) body.get("Signature"), endpoint.publicKeyPem(2))).isTrue();
  }

  @Test
  void productEntitlementKeyVersionAndRegionAreCheckedAsTheModelNamesThem() throws Exception {
    assertThat(errorType(register("prod-nope", 1, "n"))).isEqualTo("InvalidProductCodeException");
    assertThat(errorType(register("prod-unpaid", 1, "n"))).isEqualTo("CustomerNotEntitledException");
    assertThat(errorType(register("prod-container", 3, "n"))).isEqualTo("InvalidPublicKeyVersionException");
    assertThat(errorType(client.send("{\"ProductCode\":\"prod-container\",\"PublicKeyVersion\":1}",
        RawClient.authFor("AKIDTEST", "eu-west-1"), TARGET))).isEqualTo("InvalidRegionException");
    assertThat(errorType(client.send("{\"ProductCode\":\"prod-container\",\"PublicKeyVersion\":0}",
        RawClient.AUTH, TARGET))).isEqualTo("ValidationException");
    assertThat(errorType(client.send("{\"ProductCode\":\"prod-container\"}", RawClient.AUTH, TARGET)))
        .isEqualTo("ValidationException");
  }

  @Test
  void scriptedModelledErrorsAnswerRegisterUsage() throws Exception {
    endpoint.faults().rejectNext(ModelledError.PLATFORM_NOT_SUPPORTED, 1).rejectNext(ModelledError.DISABLED_API, 1);

    assertThat(errorType(register("prod-container", 1, "n"))).isEqualTo("PlatformNotSupportedException");
    assertThat(errorType(register("prod-container", 1, "n"))).isEqualTo("DisabledApiException");
    assertThat(register("prod-container", 1, "n").statusCode()).isEqualTo(200);
  }

  @Test
  void eachTamperingSpoilsOnlyThePartItNames() throws Exception {
    String pem = endpoint.publicKeyPem(1);

    String wrongKey = tampered(SignatureTampering.WRONG_KEY);
    assertThat(verifiesPs256(wrongKey, pem)).isFalse();
    assertThat(payload(wrongKey).get("nonce")).isEqualTo("n");

    String otherNonce = tampered(SignatureTampering.OTHER_NONCE);
    assertThat(verifiesPs256(otherNonce, pem)).isTrue();
    assertThat(payload(otherNonce).get("nonce")).isNotEqualTo("n");

    assertThat(payload(tampered(SignatureTampering.OTHER_PRODUCT_CODE)).get("productCode"))
        .isEqualTo("prod-container-other");
    assertThat(payload(tampered(SignatureTampering.OTHER_KEY_VERSION)).get("publicKeyVersion"))
        .isEqualTo(BigDecimal.valueOf(2));
    assertThat(payload(tampered(SignatureTampering.OLD_ISSUE_TIME)).get("iat"))
        .isEqualTo(BigDecimal.valueOf(NOW.getEpochSecond() - 600));
    assertThat(payload(tampered(SignatureTampering.FUTURE_ISSUE_TIME)).get("iat"))
        .isEqualTo(BigDecimal.valueOf(NOW.getEpochSecond() + 600));

    String rs256 = tampered(SignatureTampering.RS256);
    assertThat(header(rs256).get("alg")).isEqualTo("RS256");
    assertThat(verifies(rs256, pem, "SHA256withRSA", null)).as("a real RS256 signature with the right key").isTrue();

    assertThat(verifiesPs256(tampered(null), pem)).as("faults used up").isTrue();
  }

  @Test
  void publicKeyPemRefusesAVersionTheEndpointDoesNotHave() {
    assertThatThrownBy(() -> endpoint.publicKeyPem(3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("publicKeyVersions");
  }

  private static String tampered(SignatureTampering tampering) throws Exception {
    if (tampering != null) {
      endpoint.faults().tamperSignatureNext(tampering, 1);
    }
    return (String) ((Map<?, ?>) Json.parse(register("prod-container", 1, "n").body())).get("Signature");
  }

  private static HttpResponse<String> register(String product, int version, String nonce) throws Exception {
    return client.send("{\"ProductCode\":\"" + product + "\",\"PublicKeyVersion\":" + version
        + ",\"Nonce\":\"" + nonce + "\"}", RawClient.AUTH, TARGET);
  }

  private static String errorType(HttpResponse<String> answer) {
    return answer.headers().firstValue("x-amzn-ErrorType").orElse("none: HTTP " + answer.statusCode());
  }

  private static Map<?, ?> header(String token) {
    return part(token, 0);
  }

  private static Map<?, ?> payload(String token) {
    return part(token, 1);
  }

  private static Map<?, ?> part(String token, int index) {
    return (Map<?, ?>) Json.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]),
        StandardCharsets.UTF_8));
  }

  private static boolean verifiesPs256(String token, String pem) throws Exception {
    return verifies(token, pem, "RSASSA-PSS",
        new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
  }

  private static boolean verifies(String token, String pem, String algorithm, PSSParameterSpec pss)
      throws Exception {
    PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder()
        .decode(pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", ""))));
    Signature signature = Signature.getInstance(algorithm);
    signature.initVerify(key);
    if (pss != null) {
      signature.setParameter(pss);
    }
    int dot = token.lastIndexOf('.');
    signature.update(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
    return signature.verify(Base64.getUrlDecoder().decode(token.substring(dot + 1)));
  }
}
