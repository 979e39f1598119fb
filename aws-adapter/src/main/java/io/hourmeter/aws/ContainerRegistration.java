package io.hourmeter.aws;

import io.github.resilience4j.core.IntervalFunction;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * RegisterUsage for paid container products (Amazon ECS, Amazon EKS, AWS Fargate): the one call a
 * container makes at start, before it serves anything, which starts AWS's per-task or per-pod metering
 * and proves the buyer is entitled to run the product.
 *
 * <pre>{@code
 * try (ContainerRegistration registration = ContainerRegistration.builder()
 *     .productCode("prod-abc123")
 *     .publicKeyVersion(1)
 *     .publicKey(1, System.getenv("AWS_MARKETPLACE_PUBLIC_KEY_V1"))   // PEM, as AWS Marketplace gave it
 *     .build()) {
 *   registration.registerOrExit();   // logs and exits(1) unless registered and verified
 * }
 * startServing();
 * }</pre>
 *
 * <p>Each {@link #register()} sends the product code, the configured {@code PublicKeyVersion} and a fresh
 * random {@code Nonce} (16 bytes from {@link SecureRandom}, hex), then verifies the answer's
 * {@code Signature}: a JWT whose algorithm must be PS256 and nothing else, whose signature must check
 * against the configured AWS Marketplace public key of that version, and whose payload must name the
 * product code, key version and nonce sent, issued within 5 minutes of the clock. A
 * {@code PublicKeyRotationTimestamp} in the answer is logged as a warning and returned in the
 * {@link Registration}.
 *
 * <p>Failures are classified by {@code ErrorClassification}, the table every Hourmeter call goes by:
 * throttling, 5xx and network failures are retried with capped, jittered exponential backoff for at most
 * {@link ContainerRegistrationBuilder#retryFor}; every other failure (CustomerNotEntitled,
 * PlatformNotSupported, InvalidProductCode, InvalidRegion, InvalidPublicKeyVersion, DisabledApi, missing
 * credentials or permission) and a Signature that fails verification end the registration at once with a
 * {@link RegistrationFailedException} whose message says what the seller or buyer must do. AWS expects
 * the container to stop then; {@link #registerOrExit()} does so.
 *
 * <p>Thread-safe: configuration is immutable and the SDK client is thread-safe. {@code register()}
 * blocks the calling thread, as a start-up step should.
 */
public final class ContainerRegistration implements AutoCloseable {

  /** The IAM action RegisterUsage needs (the ECS task role or the EKS IRSA role). */
  public static final String REGISTER_USAGE_PERMISSION = "aws-marketplace:RegisterUsage";

  private static final Logger LOG = LoggerFactory.getLogger(ContainerRegistration.class);
  private static final int NONCE_BYTES = 16;

  /** How the registration waits between attempts; {@link Thread#sleep} outside tests. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * What a built registration is made of.
   *
   * @param client           the SDK client
   * @param owned            what {@link #close()} closes (nothing for a client the user gave)
   * @param productCode      the product code
   * @param publicKeyVersion the key version sent
   * @param signature        the verifier, with the configured public keys
   * @param clock            the clock of the issue-time check and of the retry window
   * @param retryFor         how long retryable failures are retried
   * @param backoff          the wait before the n-th retry
   * @param exit             what {@link #registerOrExit()} calls with status 1
   * @param sleeper          how to wait between attempts
   */
  record Settings(MarketplaceMeteringClient client, List<SdkAutoCloseable> owned, String productCode,
      int publicKeyVersion, RegistrationSignature signature, InstantSource clock, Duration retryFor,
      IntervalFunction backoff, IntConsumer exit, Sleeper sleeper) { }

  private final Settings settings;
  private final SecureRandom random = new SecureRandom();

  ContainerRegistration(Settings settings) {
    this.settings = settings;
  }

  /** A builder; product code, public key version and that version's public key are required. */
  public static ContainerRegistrationBuilder builder() {
    return new ContainerRegistrationBuilder();
  }

  /**
   * Calls RegisterUsage with a fresh nonce, retrying throttling, 5xx and network failures within the
   * retry window, and verifies the Signature.
   *
   * @return the verified registration
   * @throws RegistrationFailedException when AWS refused it, the Signature failed verification, or the
   *     retry window ran out; its message says what the seller or buyer must do
   */
  public Registration register() {
    String nonce = HexFormat.of().formatHex(randomBytes());
    RegisterUsageRequest request = RegisterUsageRequest.builder().productCode(settings.productCode())
        .publicKeyVersion(settings.publicKeyVersion()).nonce(nonce).build();
    Instant deadline = settings.clock().instant().plus(settings.retryFor());
    for (int attempt = 1; ; attempt++) {
      RegisterUsageResponse response;
      try {
        response = settings.client().registerUsage(request);
      } catch (RuntimeException failure) {
        if (!ErrorClassification.rowFor(failure).outcome().retryable()) {
          throw RegistrationFailures.refused(failure, settings.productCode(), settings.publicKeyVersion(),
              String.valueOf(settings.client().serviceClientConfiguration().region()));
        }
        Duration wait = Duration.ofMillis(settings.backoff().apply(attempt));
        if (settings.clock().instant().plus(wait).isAfter(deadline)) {
          throw RegistrationFailures.exhausted(failure, attempt, settings.retryFor());
        }
        LOG.info("RegisterUsage attempt {} failed, retrying in {} ms: {}", attempt, wait.toMillis(),
            failure.toString());
        try {
          settings.sleeper().sleep(wait);
        } catch (InterruptedException e) {
          throw RegistrationFailures.interrupted(failure);
        }
        continue;
      }
      return verified(response, nonce);
    }
  }

  /**
   * {@link #register()}, and when it fails: logs the failure at ERROR and stops the process with status 1
   * (the builder's {@link ContainerRegistrationBuilder#exit exit}, {@code System.exit} by default), as
   * AWS expects of a paid container that cannot register. Never swallows the failure: should the exit
   * return (a test's), the exception is thrown.
   *
   * @return the verified registration
   */
  public Registration registerOrExit() {
    try {
      return register();
    } catch (RegistrationFailedException e) {
      LOG.error("AWS Marketplace registration failed; stopping the container with exit status 1: {}",
          e.getMessage(), e);
      settings.exit().accept(1);
      throw e;
    }
  }

  /** Closes the SDK client and credentials chain built for this registration; a given client stays open. */
  @Override
  public void close() {
    settings.owned().forEach(SdkAutoCloseable::close);
  }

  /** The SDK client, for tests. */
  MarketplaceMeteringClient client() {
    return settings.client();
  }

  private Registration verified(RegisterUsageResponse response, String nonce) {
    Instant issuedAt;
    try {
      issuedAt = settings.signature().verify(response.signature(), settings.productCode(),
          settings.publicKeyVersion(), nonce, settings.clock().instant());
    } catch (RegistrationSignature.Failure e) {
      throw RegistrationFailures.signatureRefused(e.getMessage(), settings.publicKeyVersion());
    }
    Optional<Instant> rotation = Optional.ofNullable(response.publicKeyRotationTimestamp());
    rotation.ifPresent(at -> LOG.warn("AWS Marketplace says RegisterUsage public key version {} is expiring "
        + "(PublicKeyRotationTimestamp {}). Seller: get the next key version and its public key from AWS "
        + "Marketplace and ship an image configured with them before then.", settings.publicKeyVersion(), at));
    LOG.info("Registered with AWS Marketplace: product {}, public key version {}, signature issued at {}",
        settings.productCode(), settings.publicKeyVersion(), issuedAt);
    return new Registration(settings.productCode(), settings.publicKeyVersion(), nonce, issuedAt,
        response.signature(), rotation);
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[NONCE_BYTES];
    random.nextBytes(bytes);
    return bytes;
  }
}
