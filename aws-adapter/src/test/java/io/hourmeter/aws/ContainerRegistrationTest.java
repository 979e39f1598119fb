package io.hourmeter.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.local.Faults.Answer;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.ModelledError;
import io.hourmeter.local.ReceivedRegistration;
import io.hourmeter.local.SignatureTampering;
import io.hourmeter.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;

/**
 * RegisterUsage through the real SDK client over HTTP against the local endpoint on 127.0.0.1, which
 * signs real PS256 JWTs with its own key pairs: every answer a container start can get, every way its
 * Signature can be wrong, retries, and {@code registerOrExit}. One endpoint for the class (its key pairs
 * take a while to generate); its faults are cleared after each test. The registration's clock is the
 * endpoint's, and its waits move that clock instead of sleeping.
 */
class ContainerRegistrationTest {

  private static final String PRODUCT = "prod-container";
  private static final String UNPAID = "prod-unpaid";
  private static final Instant ROTATION = Instant.parse("2027-01-01T00:00:00Z");
  private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));

  private static LocalMeteringEndpoint endpoint;
  private final List<Duration> waits = new ArrayList<>();
  private final List<Integer> exits = new ArrayList<>();
  private final List<ContainerRegistration> opened = new ArrayList<>();

  @BeforeAll
  static void start() {
    endpoint = LocalMeteringEndpoint.builder()
        .product(PRODUCT, "tasks")
        .product(UNPAID, "tasks")
        .notEntitled(UNPAID)
        .publicKeyVersions(2)
        .publicKeyRotation(2, ROTATION)
        .deniedAccessKey("AKIDDENIED")
        .clock(CLOCK)
        .build().start();
  }

  @AfterEach
  void clear() {
    endpoint.faults().clear();
    opened.forEach(ContainerRegistration::close);
  }

  @AfterAll
  static void stop() {
    endpoint.close();
  }

  @Test
  void registersWithTheConfiguredProductAndKeyVersionAndVerifiesTheSignature() {
    Registration registration = registration(b -> { }).register();

    ReceivedRegistration received = last();
    assertThat(received.productCode()).isEqualTo(PRODUCT);
    assertThat(received.publicKeyVersion()).isEqualTo(1);
    assertThat(registration.productCode()).isEqualTo(PRODUCT);
    assertThat(registration.publicKeyVersion()).isEqualTo(1);
    assertThat(registration.nonce()).isEqualTo(received.nonce());
    assertThat(registration.issuedAt()).isEqualTo(CLOCK.instant().truncatedTo(ChronoUnit.SECONDS));
    assertThat(registration.signature()).startsWith(base64Url("{\"alg\":\"PS256\""));
    assertThat(registration.publicKeyRotation()).isEmpty();
  }

  @Test
  void everyRegistrationSendsAFreshRandomNonce() {
    ContainerRegistration registration = registration(b -> { });

    String first = registration.register().nonce();
    String second = registration.register().nonce();
    String third = registration(b -> { }).register().nonce();

    assertThat(List.of(first, second, third)).doesNotHaveDuplicates()
        .allSatisfy(nonce -> assertThat(nonce).matches("[0-9a-f]{32}"));
    assertThat(endpoint.registrations().subList(endpoint.registrations().size() - 3, endpoint.registrations().size()))
        .extracting(ReceivedRegistration::nonce).containsExactly(first, second, third);
  }

  @Test
  void aKeyRotationIsLoggedAsAWarningAndReturnedInTheResult() {
    ContainerRegistration registration = registration(b -> b.publicKeyVersion(2));

    String log = stderrOf(() -> assertThat(registration.register().publicKeyRotation()).hasValue(ROTATION));

    assertThat(log).contains("WARN").contains("public key version 2 is expiring").contains(ROTATION.toString());
  }

  /** Each error that ends a registration at once, how to provoke it, and what its message must tell. */
  static Stream<Arguments> refusals() {
    return Stream.<Arguments>of(
        Arguments.of("CustomerNotEntitledException", (Consumer<ContainerRegistrationBuilder>) b ->
            b.productCode(UNPAID), null, "Buyer: subscribe to the product in AWS Marketplace"),
        Arguments.of("PlatformNotSupportedException", none(), ModelledError.PLATFORM_NOT_SUPPORTED,
            "Buyer: run it on Amazon ECS, Amazon EKS or AWS Fargate"),
        Arguments.of("InvalidProductCodeException", (Consumer<ContainerRegistrationBuilder>) b ->
            b.productCode("prod-nope"), null, "Seller: build the image with the product code of the listing"),
        Arguments.of("InvalidRegionException", (Consumer<ContainerRegistrationBuilder>) b ->
            b.region(Region.US_WEST_2), null, "Seller: do not set a region in the image"),
        Arguments.of("InvalidPublicKeyVersionException", (Consumer<ContainerRegistrationBuilder>) b ->
            b.publicKeyVersion(3).publicKey(3, endpoint.publicKeyPem(1)), null,
            "Seller: configure the version AWS Marketplace gave you"),
        Arguments.of("DisabledApiException", none(), ModelledError.DISABLED_API,
            "Buyer: run the container in a region where AWS Marketplace supports RegisterUsage"),
        Arguments.of("AccessDeniedException", (Consumer<ContainerRegistrationBuilder>) b ->
            b.credentialsProvider(LocalAws.credentials("AKIDDENIED")), null, "aws-marketplace:RegisterUsage"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void anErrorOtherThanThrottlingOr5xxEndsTheRegistrationAtOnceSayingWhatToDo(String code,
      Consumer<ContainerRegistrationBuilder> provoke, ModelledError injected, String advice) {
    ContainerRegistration registration = registration(provoke);
    if (injected != null) {
      endpoint.faults().rejectNext(injected, 1);
    }
    long before = endpoint.counters().requests();

    assertThatThrownBy(registration::register).isInstanceOfSatisfying(RegistrationFailedException.class, e -> {
      assertThat(e.errorCode()).isEqualTo(code);
      assertThat(e.retriesExhausted()).isFalse();
      assertThat(e.getMessage()).contains(advice).contains("The container must stop");
    });
    assertThat(endpoint.counters().requests() - before).as("no retry").isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void throttlingAndServerErrorsAreRetriedWithGrowingBackoffUntilRegistered() {
    ContainerRegistration registration = registration(b -> { });
    endpoint.faults().throttleNext(2);
    long before = endpoint.counters().requests();

    Registration registered;
    try {
      registered = registration.register();
    } finally {
      endpoint.faults().clear();
    }
    endpoint.faults().serverErrorNext(1);
    Registration afterServerError = registration.register();

    assertThat(endpoint.counters().requests() - before).isEqualTo(5);
    assertThat(registered.nonce()).isNotEqualTo(afterServerError.nonce());
    assertThat(waits).hasSize(3);
    assertThat(waits.get(1)).as("the second wait doubles the first, jitter 0").isEqualTo(waits.get(0).multipliedBy(2));
  }

  @Test
  void retryableFailuresThatOutlastTheRetryWindowEndTheRegistration() {
    ContainerRegistration registration = registration(b -> b.retryFor(Duration.ofSeconds(3)));
    endpoint.faults().throttleNext(1_000);
    long before = endpoint.counters().requests();

    assertThatThrownBy(registration::register).isInstanceOfSatisfying(RegistrationFailedException.class, e -> {
      assertThat(e.retriesExhausted()).isTrue();
      assertThat(e.errorCode()).isEqualTo("ThrottlingException");
      assertThat(e.getMessage()).contains("retryFor").contains("The container must stop");
    });
    // Waits of 100, 200, 400, 800, 1000 ms fit in 3 s; the next would not.
    assertThat(endpoint.counters().requests() - before).isEqualTo(6);
    assertThat(waits.stream().mapToLong(Duration::toMillis).sum()).isLessThanOrEqualTo(3_000);
  }

  @ParameterizedTest
  @EnumSource(SignatureTampering.class)
  void aSignatureThatFailsAnyCheckEndsTheRegistration(SignatureTampering tampering) {
    endpoint.faults().tamperSignatureNext(tampering, 1);

    assertThatThrownBy(registration(b -> { })::register).isInstanceOfSatisfying(RegistrationFailedException.class,
        e -> {
          assertThat(e.errorCode()).isEqualTo(RegistrationFailedException.SIGNATURE_REFUSED);
          assertThat(e.getMessage()).contains(reasonFor(tampering)).contains("The container must stop");
        });
    assertThat(waits).as("a forged answer is not retried").isEmpty();
  }

  private static String reasonFor(SignatureTampering tampering) {
    return switch (tampering) {
      case WRONG_KEY -> "the signature does not check against the configured public key of version 1";
      case OTHER_NONCE -> "its nonce is '";
      case OTHER_PRODUCT_CODE -> "its productCode is 'prod-container-other' but 'prod-container' was sent";
      case OTHER_KEY_VERSION -> "its publicKeyVersion is 2 but 1 was sent";
      case OLD_ISSUE_TIME, FUTURE_ISSUE_TIME -> "more than 5 minutes from now";
      case RS256 -> "its algorithm is RS256; only PS256 is accepted";
    };
  }

  /** Tokens no endpoint signs: crafted here and answered verbatim, as a man in the middle would. */
  static Stream<Arguments> craftedTokens() {
    String claims = "{\"productCode\":\"" + PRODUCT + "\",\"publicKeyVersion\":1,\"nonce\":\"n\",\"iat\":"
        + Instant.parse("2026-12-02T10:00:00Z").getEpochSecond() + "}";
    return Stream.of(
        Arguments.of("alg none", base64Url("{\"alg\":\"none\"}") + "." + base64Url(claims) + ".",
            "it is not signed (algorithm none); only PS256 is accepted"),
        Arguments.of("HS256 keyed with the public key", hmac("HS256", "HmacSHA256", claims),
            "its algorithm is HS256; only PS256 is accepted"),
        Arguments.of("HS512 keyed with the public key", hmac("HS512", "HmacSHA512", claims),
            "its algorithm is HS512; only PS256 is accepted"),
        Arguments.of("not a JWT", "hello", "it is not a JWT"),
        Arguments.of("no Signature", null, "the answer carried no Signature"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("craftedTokens")
  void aTokenWithAnyAlgorithmButPs256IsRefused(String name, String token, String reason) {
    endpoint.faults().answerNext(new Answer(200, "application/x-amz-json-1.1",
        token == null ? "{}" : "{\"Signature\":\"" + token + "\"}", false));

    assertThatThrownBy(registration(b -> { })::register).isInstanceOfSatisfying(RegistrationFailedException.class,
        e -> {
          assertThat(e.errorCode()).isEqualTo(RegistrationFailedException.SIGNATURE_REFUSED);
          assertThat(e.getMessage()).contains(reason);
        });
  }

  @Test
  void registerOrExitReturnsTheRegistrationWithoutExiting() {
    Registration registration = registration(b -> { }).registerOrExit();

    assertThat(registration.nonce()).isEqualTo(last().nonce());
    assertThat(exits).isEmpty();
  }

  @Test
  void registerOrExitLogsAndExitsWithStatus1AndNeverSwallowsTheFailure() {
    ContainerRegistration registration = registration(b -> b.productCode(UNPAID));

    String log = stderrOf(() -> assertThatThrownBy(registration::registerOrExit)
        .isInstanceOf(RegistrationFailedException.class));

    assertThat(exits).containsExactly(1);
    assertThat(log).contains("ERROR").contains("exit status 1").contains("CustomerNotEntitledException");
  }

  private ContainerRegistration registration(Consumer<ContainerRegistrationBuilder> change) {
    ContainerRegistrationBuilder builder = ContainerRegistration.builder()
        .endpointOverride(endpoint.uri())
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5))
        .clock(CLOCK)
        .backoff(Duration.ofMillis(100), 2.0, 0.0, Duration.ofSeconds(1))
        .exit(exits::add)
        .sleeper(wait -> {
          waits.add(wait);
          CLOCK.advance(wait);
        })
        .publicKey(1, endpoint.publicKeyPem(1))
        .publicKey(2, endpoint.publicKeyPem(2));
    change.accept(builder);
    fill(builder, b -> b.productCode(PRODUCT));
    fill(builder, b -> b.publicKeyVersion(1));
    fill(builder, b -> b.region(Region.US_EAST_1));
    fill(builder, b -> b.credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)));
    ContainerRegistration built = builder.build();
    opened.add(built);
    return built;
  }

  /** Sets an option unless the test set it. */
  private static void fill(ContainerRegistrationBuilder builder, Consumer<ContainerRegistrationBuilder> option) {
    try {
      option.accept(builder);
    } catch (IllegalStateException alreadySet) {
      // the test chose it
    }
  }

  private static Consumer<ContainerRegistrationBuilder> none() {
    return b -> { };
  }

  private static ReceivedRegistration last() {
    List<ReceivedRegistration> all = endpoint.registrations();
    return all.get(all.size() - 1);
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** An HMAC token keyed with the public key's PEM: the algorithm-confusion attack on RSA verifiers. */
  private static String hmac(String alg, String jcaName, String claims) {
    try {
      String input = base64Url("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + base64Url(claims);
      Mac mac = Mac.getInstance(jcaName);
      mac.init(new SecretKeySpec(endpoint.publicKeyPem(1).getBytes(StandardCharsets.US_ASCII), jcaName));
      return input + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What {@code action} logs (slf4j-simple writes to System.err, looked up on every write). */
  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
