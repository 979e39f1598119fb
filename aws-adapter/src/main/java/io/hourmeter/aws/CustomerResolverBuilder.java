package io.hourmeter.aws;

import io.hourmeter.spi.UsageReport;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
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

  private final Set<String> set = new HashSet<>();
  private final MeteringClientOptions clientOptions = new MeteringClientOptions(set);
  private String productCode;
  private int attempts = 4;
  private Backoff backoff = new Backoff(Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(2));

  CustomerResolverBuilder() { }

  /**
   * This seller's product code: a token for any other product is refused
   * ({@link CustomerResolutionException.Reason#OTHER_PRODUCT}). Required.
   */
  public CustomerResolverBuilder productCode(String code) {
    OptionChecks.once(set, "productCode");
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
    clientOptions.client(meteringClient);
    return this;
  }

  /** The region whose endpoint is called; default: the SDK's default region chain. */
  public CustomerResolverBuilder region(Region awsRegion) {
    clientOptions.region(awsRegion);
    return this;
  }

  /** Where the seller account's credentials come from; default: the SDK's default credentials chain. */
  public CustomerResolverBuilder credentialsProvider(AwsCredentialsProvider provider) {
    clientOptions.credentialsProvider(provider);
    return this;
  }

  /** Another endpoint: a VPC interface endpoint, FIPS, or a local endpoint in tests. */
  public CustomerResolverBuilder endpointOverride(URI uri) {
    clientOptions.endpointOverride(uri);
    return this;
  }

  /** How long to wait for a TCP connection; default 2 s. */
  public CustomerResolverBuilder connectTimeout(Duration timeout) {
    clientOptions.connectTimeout(timeout);
    return this;
  }

  /** How long a read on the socket may wait for the answer; default 10 s. */
  public CustomerResolverBuilder readTimeout(Duration timeout) {
    clientOptions.readTimeout(timeout);
    return this;
  }

  /** How long one ResolveCustomer call may take in all, signing and credentials included; default 15 s. */
  public CustomerResolverBuilder apiCallTimeout(Duration timeout) {
    clientOptions.apiCallTimeout(timeout);
    return this;
  }

  /**
   * At most {@code maxAttempts} calls per token (1: no retry), with a backoff from {@code initial},
   * doubling, jitter &plusmn;50 %, capped at {@code max}, between them.
   */
  public CustomerResolverBuilder retries(int maxAttempts, Duration initial, Duration max) {
    OptionChecks.once(set, "retries");
    attempts = OptionChecks.atLeastOne(maxAttempts, "retries maxAttempts");
    backoff = Backoff.named("retries", initial, 2.0, 0.5, max);
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
    clientOptions.checkGivenClientAlone();
    clientOptions.checkGivenClientCarriesLicenseArnShim("a CustomerResolver needs a client built with "
        + "AwsUsageSubmitter.clientOverrides(), whose interceptor reads the ResolveCustomer reply's LicenseArn "
        + "(the SDK served here drops it, and licensed buyers would be metered without their license)");
    return new CustomerResolver(clientOptions.build(), productCode, attempts, backoff.intervals());
  }
}
