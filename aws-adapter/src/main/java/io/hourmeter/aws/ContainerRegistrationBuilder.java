package io.hourmeter.aws;

import io.hourmeter.spi.UsageReport;
import java.net.URI;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntConsumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Configures a {@link ContainerRegistration}. Required: {@link #productCode}, {@link #publicKeyVersion}
 * and, for that version, {@link #publicKey}: the AWS Marketplace public key (PEM) that AWS gives the
 * seller for each key version. It is not published, so it is configuration, and {@link #build()} fails
 * without it rather than registering with a Signature nobody can check. Every option may be set once;
 * setting one twice, or combining {@link #client} with an option that applies only to a client built
 * here, fails naming the option.
 *
 * <p>Region, credentials, endpoint override and timeouts are those of {@link AwsUsageSubmitterBuilder},
 * with the same defaults: the SDK's default region chain (on ECS and EKS, the task's or pod's own
 * region, which RegisterUsage requires: do not set a region in an image), the default credentials chain
 * (the ECS task role, or EKS IRSA), connect timeout 2 s, read timeout 10 s, API call timeout 15 s, SDK
 * retries off.
 *
 * <p>Other defaults: the system clock; throttling, 5xx and network failures retried for 1 minute, with
 * backoff from 200 ms, doubling, jitter &plusmn;50 %, capped at 5 s (RegisterUsage's quota is 5 calls a
 * second, which a fleet starting at once can exceed); {@code System.exit} for
 * {@link ContainerRegistration#registerOrExit()}.
 *
 * <p>Not thread-safe; build once.
 */
public final class ContainerRegistrationBuilder {

  private final Set<String> set = new HashSet<>();
  private final MeteringClientOptions clientOptions = new MeteringClientOptions(set);
  private final Map<Integer, RSAPublicKey> publicKeys = new LinkedHashMap<>();
  private String productCode;
  private Integer publicKeyVersion;
  private InstantSource clock = InstantSource.system();
  private Duration retryFor = Duration.ofMinutes(1);
  private Backoff backoff = new Backoff(Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(5));
  private IntConsumer exit = System::exit;
  private ContainerRegistration.Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());

  ContainerRegistrationBuilder() { }

  /** The product code of the container listing, as AWS Marketplace issued it. Required. */
  public ContainerRegistrationBuilder productCode(String code) {
    once("productCode");
    Objects.requireNonNull(code, "productCode");
    if (!UsageReport.isValidProductCode(code)) {
      throw new IllegalArgumentException("productCode must be 1..255 characters of "
          + UsageReport.PRODUCT_CODE.pattern() + " but was '" + code + "'");
    }
    productCode = code;
    return this;
  }

  /**
   * The {@code PublicKeyVersion} to send (1 or more), as AWS Marketplace gave it with its public key.
   * Required; {@link #publicKey} must hold the key of this version.
   */
  public ContainerRegistrationBuilder publicKeyVersion(int version) {
    once("publicKeyVersion");
    publicKeyVersion = atLeastOne(version, "publicKeyVersion");
    return this;
  }

  /**
   * The AWS Marketplace public key of key {@code version}, as PEM ({@code -----BEGIN PUBLIC KEY-----}):
   * an RSA key of at least 2048 bits. AWS gives
   * sellers the key of each version; it is not published. Give the key of every version an image may be
   * configured to send; each version at most once.
   *
   * @throws IllegalArgumentException naming the version when the PEM is not such a key
   */
  public ContainerRegistrationBuilder publicKey(int version, String pem) {
    String option = "publicKey(" + version + ")";
    atLeastOne(version, "publicKey version");
    if (publicKeys.containsKey(version)) {
      throw new IllegalStateException(option + " was already set");
    }
    publicKeys.put(version, RegistrationSignature.parsePem(pem, option));
    return this;
  }

  /**
   * The clock the Signature's issue time is checked against (within 5 minutes) and the retry window
   * runs on; default the system clock.
   */
  public ContainerRegistrationBuilder clock(InstantSource source) {
    once("clock");
    clock = Objects.requireNonNull(source, "clock");
    return this;
  }

  /**
   * How long throttling, 5xx and network failures are retried before the registration fails (default 1
   * minute): bounded, since a container that cannot register must not serve, and an orchestrator then
   * restarts it.
   */
  public ContainerRegistrationBuilder retryFor(Duration window) {
    once("retryFor");
    retryFor = OptionChecks.positive(window, "retryFor");
    return this;
  }

  /**
   * Backoff between retries: {@code initial * multiplier^(n-1)}, randomized by &plusmn;{@code jitter}
   * (0..1), capped at {@code max}.
   */
  public ContainerRegistrationBuilder backoff(Duration initial, double multiplier, double jitter, Duration max) {
    once("backoff");
    backoff = new Backoff(initial, multiplier, jitter, max);
    return this;
  }

  /**
   * What {@link ContainerRegistration#registerOrExit()} calls with exit status 1 after logging a failed
   * registration; default {@code System::exit}. Replace it in tests, or to stop through your framework.
   */
  public ContainerRegistrationBuilder exit(IntConsumer stop) {
    once("exit");
    exit = Objects.requireNonNull(stop, "exit");
    return this;
  }

  /**
   * Uses this client instead of building one; the registration does not close it. Build it with
   * {@link AwsUsageSubmitter#clientOverrides()} so that SDK retries are off (the registration retries).
   */
  public ContainerRegistrationBuilder client(MarketplaceMeteringClient meteringClient) {
    clientOptions.client(meteringClient);
    return this;
  }

  /**
   * The region whose endpoint is called; default the SDK's default region chain. RegisterUsage must be
   * called in the task's or pod's own region (InvalidRegionException otherwise), so leave it unset in an
   * image.
   */
  public ContainerRegistrationBuilder region(Region awsRegion) {
    clientOptions.region(awsRegion);
    return this;
  }

  /** Where credentials come from; default the SDK's chain (ECS task role, EKS IRSA). */
  public ContainerRegistrationBuilder credentialsProvider(AwsCredentialsProvider provider) {
    clientOptions.credentialsProvider(provider);
    return this;
  }

  /** Another endpoint: a VPC interface endpoint, FIPS, or a local endpoint in tests. */
  public ContainerRegistrationBuilder endpointOverride(URI uri) {
    clientOptions.endpointOverride(uri);
    return this;
  }

  /** How long to wait for a TCP connection. */
  public ContainerRegistrationBuilder connectTimeout(Duration timeout) {
    clientOptions.connectTimeout(timeout);
    return this;
  }

  /** How long a read on the socket may wait for the answer. */
  public ContainerRegistrationBuilder readTimeout(Duration timeout) {
    clientOptions.readTimeout(timeout);
    return this;
  }

  /** How long one RegisterUsage attempt may take in all, signing and credentials included. */
  public ContainerRegistrationBuilder apiCallTimeout(Duration timeout) {
    clientOptions.apiCallTimeout(timeout);
    return this;
  }

  /** How the registration waits between attempts; tests move a clock instead of sleeping. */
  ContainerRegistrationBuilder sleeper(ContainerRegistration.Sleeper wait) {
    once("sleeper");
    sleeper = Objects.requireNonNull(wait, "sleeper");
    return this;
  }

  /**
   * Builds the registration, and the SDK client unless one was given. Makes no call.
   *
   * @throws IllegalStateException naming the option when a required one is missing (the public key of
   *     the configured version above all), options conflict, or no region can be resolved
   */
  public ContainerRegistration build() {
    if (productCode == null) {
      throw new IllegalStateException("productCode: required (the product code of the container listing)");
    }
    if (publicKeyVersion == null) {
      throw new IllegalStateException("publicKeyVersion: required (the PublicKeyVersion AWS Marketplace gave "
          + "with its public key)");
    }
    if (!publicKeys.containsKey(publicKeyVersion)) {
      throw new IllegalStateException("publicKey: no AWS Marketplace public key is configured for "
          + "publicKeyVersion " + publicKeyVersion + " (configured: " + publicKeys.keySet() + "). AWS "
          + "Marketplace gives sellers the public key (PEM) of each key version; it is not published. Pass it "
          + "with publicKey(" + publicKeyVersion + ", pem), for example from an environment variable or a "
          + "file baked into the image, so the RegisterUsage Signature can be verified");
    }
    clientOptions.checkGivenClientAlone();
    RegistrationSignature signature = new RegistrationSignature(publicKeys);
    MeteringClientOptions.Built built = clientOptions.build();
    return new ContainerRegistration(new ContainerRegistration.Settings(built.client(), built.owned(),
        productCode, publicKeyVersion, signature, clock, retryFor, backoff.intervals(), exit, sleeper));
  }

  private void once(String option) {
    OptionChecks.once(set, option);
  }

  private static int atLeastOne(int value, String option) {
    return OptionChecks.atLeastOne(value, option);
  }
}
