package io.hourmeter.aws;

import io.github.resilience4j.core.IntervalFunction;
import io.hourmeter.spi.UsageReport;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Configures a {@link CustomerResolver}. {@link #productCode} is required; every other option has a
 * default. The client options (client, region, credentials, endpoint, timeouts) are the submitter's
 * ({@link AwsUsageSubmitterBuilder}), with the same defaults and the same rules: setting an option twice,
 * or combining {@link #client} with options that only apply to a client built here, fails naming the
 * option. ResolveCustomer must be called with the <b>seller account's</b> credentials (the account that
 * published the listing) and needs {@code aws-marketplace:ResolveCustomer}.
 *
 * <p>Retries: a throttled call, a 5xx, a timeout or a connection failure is tried again, at most
 * {@code attempts} calls in all (default 4), after a backoff from 200 ms, doubling, jitter &plusmn;50 %,
 * capped at 2 s: the buyer's browser is waiting, and a token held too long expires, so the bound is
 * short (about 1.5 s of waiting by default, plus the calls).
 *
 * <p>Not thread-safe; build once.
 */
public final class CustomerResolverBuilder {

  private final MeteringClientWiring wiring = new MeteringClientWiring();
  private String productCode;
  private int attempts = 4;
  private Duration initialBackoff = Duration.ofMillis(200);
  private Duration maxBackoff = Duration.ofSeconds(2);

  CustomerResolverBuilder() { }

  /**
   * This seller's product code: a token for any other product is refused
   * ({@link CustomerResolutionException.Reason#OTHER_PRODUCT}). Required.
   */
  public CustomerResolverBuilder productCode(String code) {
    wiring.once("productCode");
    Objects.requireNonNull(code, "productCode");
    if (!UsageReport.isValidProductCode(code)) {
      throw new IllegalArgumentException("productCode must be 1..255 characters of "
          + UsageReport.PRODUCT_CODE.pattern() + " but was '" + code + "'");
    }
    productCode = code;
    return this;
  }

  /**
   * Uses this client instead of building one. It must carry {@link AwsUsageSubmitter#clientOverrides()}
   * ({@code build()} checks), whose interceptor reads the reply's LicenseArn, which the SDK served here
   * drops. The resolver does not close it.
   */
  public CustomerResolverBuilder client(MarketplaceMeteringClient meteringClient) {
    wiring.client(meteringClient);
    return this;
  }

  /** The region whose endpoint is called; default: the SDK's default region chain. */
  public CustomerResolverBuilder region(Region awsRegion) {
    wiring.region(awsRegion);
    return this;
  }

  /** Where the seller account's credentials come from; default: the SDK's default credentials chain. */
  public CustomerResolverBuilder credentialsProvider(AwsCredentialsProvider provider) {
    wiring.credentialsProvider(provider);
    return this;
  }

  /** Another endpoint: a VPC interface endpoint, FIPS, or a local endpoint in tests. */
  public CustomerResolverBuilder endpointOverride(URI uri) {
    wiring.endpointOverride(uri);
    return this;
  }

  /** How long to wait for a TCP connection; default 2 s. */
  public CustomerResolverBuilder connectTimeout(Duration timeout) {
    wiring.connectTimeout(timeout);
    return this;
  }

  /** How long a read on the socket may wait for the answer; default 10 s. */
  public CustomerResolverBuilder readTimeout(Duration timeout) {
    wiring.readTimeout(timeout);
    return this;
  }

  /** How long one ResolveCustomer call may take in all, signing and credentials included; default 15 s. */
  public CustomerResolverBuilder apiCallTimeout(Duration timeout) {
    wiring.apiCallTimeout(timeout);
    return this;
  }

  /**
   * At most {@code maxAttempts} calls per token (1: no retry), with a backoff from {@code initial},
   * doubling, jitter &plusmn;50 %, capped at {@code max}, between them.
   */
  public CustomerResolverBuilder retries(int maxAttempts, Duration initial, Duration max) {
    wiring.once("retries");
    attempts = MeteringClientWiring.atLeastOne(maxAttempts, "retries maxAttempts");
    initialBackoff = MeteringClientWiring.positive(initial, "retries initial");
    maxBackoff = MeteringClientWiring.positive(max, "retries max");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("retries max " + max + " is below retries initial " + initial);
    }
    return this;
  }

  /**
   * Builds the resolver, and the SDK client unless one was given.
   *
   * @throws IllegalStateException naming the option when {@code productCode} is missing, options
   *                               conflict, a given client lacks the LicenseArn interceptor, or no
   *                               region can be resolved
   */
  public CustomerResolver build() {
    if (productCode == null) {
      throw new IllegalStateException("productCode: the seller's product code is required, to refuse "
          + "tokens for other products");
    }
    wiring.check("a CustomerResolver needs a client built with AwsUsageSubmitter.clientOverrides(), whose "
        + "interceptor reads the ResolveCustomer reply's LicenseArn (the SDK served here drops it, and "
        + "licensed buyers would be metered without their license)");
    IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5, maxBackoff);
    return new CustomerResolver(wiring.build(), productCode, attempts, backoff);
  }
}
