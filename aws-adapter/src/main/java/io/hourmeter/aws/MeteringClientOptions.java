package io.hourmeter.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SDK client options that every Hourmeter entry point over the Metering API shares
 * ({@link AwsUsageSubmitterBuilder}, {@link ContainerRegistrationBuilder}, {@link CustomerResolverBuilder}):
 * a client given by the user, or one built here from region, credentials, endpoint override and timeouts,
 * with {@link AwsUsageSubmitter#clientOverrides()} (SDK retries off, Hourmeter's interceptors) and the
 * UrlConnection HTTP client. Each builder keeps its own fluent methods and javadoc and delegates here,
 * so validation, the "set twice" rule, the defaults, the checks of a given client (alone, and carrying
 * the LicenseArn interceptor where the operation needs it) and the client itself are written once.
 *
 * <p>Defaults: the SDK's default region and credentials chains, connect timeout 2 s, read timeout 10 s,
 * API call timeout 15 s.
 *
 * <p>Not thread-safe; used by one builder.
 */
final class MeteringClientOptions {

  /** What {@link #build} hands back: the client, and what the caller must close with it (first to last). */
  record Built(MarketplaceMeteringClient client, List<SdkAutoCloseable> owned) {
    Built {
      owned = List.copyOf(owned);
    }
  }

  /** The options that apply only to a client built here. */
  private static final List<String> BUILT_CLIENT_OPTIONS = List.of("region", "credentialsProvider",
      "endpointOverride", "connectTimeout", "readTimeout", "apiCallTimeout");

  private final Set<String> set;
  private MarketplaceMeteringClient client;
  private Region region;
  private AwsCredentialsProvider credentials;
  private URI endpoint;
  private Duration connectTimeout = Duration.ofSeconds(2);
  private Duration readTimeout = Duration.ofSeconds(10);
  private Duration apiCallTimeout = Duration.ofSeconds(15);

  /** Options recorded in {@code set}, the owning builder's options set so far. */
  MeteringClientOptions(Set<String> set) {
    this.set = set;
  }

  void client(MarketplaceMeteringClient meteringClient) {
    OptionChecks.once(set, "client");
    client = Objects.requireNonNull(meteringClient, "client");
  }

  void region(Region awsRegion) {
    OptionChecks.once(set, "region");
    region = Objects.requireNonNull(awsRegion, "region");
  }

  void credentialsProvider(AwsCredentialsProvider provider) {
    OptionChecks.once(set, "credentialsProvider");
    credentials = Objects.requireNonNull(provider, "credentialsProvider");
  }

  void endpointOverride(URI uri) {
    OptionChecks.once(set, "endpointOverride");
    Objects.requireNonNull(uri, "endpointOverride");
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("endpointOverride must be an absolute http(s) URI but was " + uri);
    }
    endpoint = uri;
  }

  void connectTimeout(Duration timeout) {
    OptionChecks.once(set, "connectTimeout");
    connectTimeout = OptionChecks.positive(timeout, "connectTimeout");
  }

  void readTimeout(Duration timeout) {
    OptionChecks.once(set, "readTimeout");
    readTimeout = OptionChecks.positive(timeout, "readTimeout");
  }

  void apiCallTimeout(Duration timeout) {
    OptionChecks.once(set, "apiCallTimeout");
    apiCallTimeout = OptionChecks.positive(timeout, "apiCallTimeout");
  }

  /**
   * Fails when a client was given together with an option that applies only to a client built here.
   *
   * @throws IllegalStateException naming the option
   */
  void checkGivenClientAlone() {
    if (client == null) {
      return;
    }
    for (String option : BUILT_CLIENT_OPTIONS) {
      if (set.contains(option)) {
        throw new IllegalStateException(option + " applies only to a client built by Hourmeter, but client "
            + "was given: configure it on that client instead");
      }
    }
  }

  /**
   * Fails when a client was given without {@link AwsUsageSubmitter#clientOverrides()}'s LicenseArn
   * interceptor ({@link LicenseArnShim}), for an operation that needs it: BatchMeterUsage sends each
   * record's LicenseArn through it, and ResolveCustomer reads the reply's; the SDK served here drops
   * LicenseArn both ways.
   *
   * @param why which operation needs the interceptor, and what goes wrong without it
   * @throws IllegalStateException naming {@code client}, with {@code why}
   */
  void checkGivenClientCarriesLicenseArnShim(String why) {
    if (client != null && !carriesLicenseArnShim(client)) {
      throw new IllegalStateException("client: " + why);
    }
  }

  private static boolean carriesLicenseArnShim(MarketplaceMeteringClient meteringClient) {
    return meteringClient.serviceClientConfiguration().overrideConfiguration().executionInterceptors().stream()
        .anyMatch(LicenseArnShim.class::isInstance);
  }

  /**
   * The given client (owned by the user: nothing to close), or a new one with the credentials chain it
   * made, both to be closed by the caller. Call {@link #checkGivenClientAlone} first.
   *
   * @throws IllegalStateException naming {@code region} when none was set and the chain finds none
   */
  Built build() {
    if (client != null) {
      return new Built(client, List.of());
    }
    List<SdkAutoCloseable> owned = new ArrayList<>();
    AwsCredentialsProvider provider = credentials;
    if (provider == null) {
      DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
      owned.add(chain);
      provider = chain;
    }
    MarketplaceMeteringClientBuilder sdk = MarketplaceMeteringClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(connectTimeout)
            .socketTimeout(readTimeout))
        .overrideConfiguration(AwsUsageSubmitter.clientOverrides()
            .apiCallTimeout(apiCallTimeout) // one attempt per call, so no separate attempt timeout
            .build())
        .credentialsProvider(new ClassifiedCredentialsProvider(provider));
    if (region != null) {
      sdk.region(region);
    }
    if (endpoint != null) {
      sdk.endpointOverride(endpoint);
    }
    try {
      owned.add(0, sdk.build());
    } catch (SdkClientException e) {
      owned.forEach(SdkAutoCloseable::close);
      throw new IllegalStateException("region: none was set and the default region chain found none "
          + "(aws.region, AWS_REGION, profile, instance metadata): " + e.getMessage(), e);
    }
    return new Built((MarketplaceMeteringClient) owned.get(0), owned);
  }
}
