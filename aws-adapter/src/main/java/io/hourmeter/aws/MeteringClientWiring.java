package io.hourmeter.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
 * The SDK client options every Hourmeter entry point that calls the Metering service shares (the
 * submitter's {@link AwsUsageSubmitterBuilder} and the {@link CustomerResolverBuilder}), written once:
 * a given client or one built here from region, credentials, endpoint and timeouts, the check that a
 * given client carries {@link AwsUsageSubmitter#clientOverrides()}'s LicenseArn interceptor where the
 * operation needs it, and the options-set-once bookkeeping of the builders that hold it.
 *
 * <p>Defaults: the SDK's default region and credentials chains, connect timeout 2 s, read timeout 10 s,
 * API call timeout 15 s, SDK retries off.
 *
 * <p>Not thread-safe: owned by one builder.
 */
final class MeteringClientWiring {

  /** The options that configure a client built here, and so conflict with a given {@link #client}. */
  private static final List<String> BUILT_CLIENT_OPTIONS = List.of("region", "credentialsProvider",
      "endpointOverride", "connectTimeout", "readTimeout", "apiCallTimeout");

  /**
   * A client and what its user must close with it.
   *
   * @param client the SDK client
   * @param owned  what was built here, to close in this order; empty for a given client
   */
  record Wired(MarketplaceMeteringClient client, List<SdkAutoCloseable> owned) {
    Wired {
      owned = List.copyOf(owned);
    }
  }

  private final Set<String> set = new HashSet<>();
  private MarketplaceMeteringClient client;
  private Region region;
  private AwsCredentialsProvider credentials;
  private URI endpoint;
  private Duration connectTimeout = Duration.ofSeconds(2);
  private Duration readTimeout = Duration.ofSeconds(10);
  private Duration apiCallTimeout = Duration.ofSeconds(15);

  /** Marks {@code option} as set; a builder option may be set once. */
  void once(String option) {
    if (!set.add(option)) {
      throw new IllegalStateException(option + " was already set");
    }
  }

  void client(MarketplaceMeteringClient meteringClient) {
    once("client");
    client = Objects.requireNonNull(meteringClient, "client");
  }

  void region(Region awsRegion) {
    once("region");
    region = Objects.requireNonNull(awsRegion, "region");
  }

  void credentialsProvider(AwsCredentialsProvider provider) {
    once("credentialsProvider");
    credentials = Objects.requireNonNull(provider, "credentialsProvider");
  }

  void endpointOverride(URI uri) {
    once("endpointOverride");
    endpoint = Objects.requireNonNull(uri, "endpointOverride");
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("endpointOverride must be an absolute http(s) URI but was " + uri);
    }
  }

  void connectTimeout(Duration timeout) {
    once("connectTimeout");
    connectTimeout = positive(timeout, "connectTimeout");
  }

  void readTimeout(Duration timeout) {
    once("readTimeout");
    readTimeout = positive(timeout, "readTimeout");
  }

  void apiCallTimeout(Duration timeout) {
    once("apiCallTimeout");
    apiCallTimeout = positive(timeout, "apiCallTimeout");
  }

  /**
   * Fails, naming the option, when a client was given together with options that only a client built
   * here takes, or when {@code shimNeeded} is non-null and the given client lacks the LicenseArn
   * interceptor; {@code shimNeeded} says which operation needs it and why.
   */
  void check(String shimNeeded) {
    if (client == null) {
      return;
    }
    for (String option : BUILT_CLIENT_OPTIONS) {
      if (set.contains(option)) {
        throw new IllegalStateException(option + " applies only to a client built by Hourmeter, but client "
            + "was given: configure it on that client instead");
      }
    }
    if (shimNeeded != null && !carriesLicenseArnShim(client)) {
      throw new IllegalStateException("client: " + shimNeeded);
    }
  }

  /**
   * The given client, or a new one (with the default credentials chain, when none was set, owned by
   * it too). Call {@link #check} first.
   *
   * @throws IllegalStateException naming {@code region} when none is set and the default chain finds none
   */
  Wired build() {
    if (client != null) {
      return new Wired(client, List.of());
    }
    List<SdkAutoCloseable> owned = new ArrayList<>();
    AwsCredentialsProvider provider = credentials;
    if (provider == null) {
      DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
      owned.add(chain);
      provider = chain;
    }
    owned.add(0, buildClient(provider));
    return new Wired((MarketplaceMeteringClient) owned.get(0), owned);
  }

  private MarketplaceMeteringClient buildClient(AwsCredentialsProvider provider) {
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
      return sdk.build();
    } catch (SdkClientException e) {
      if (credentials == null) {
        ((SdkAutoCloseable) provider).close();
      }
      throw new IllegalStateException("region: none was set and the default region chain found none "
          + "(aws.region, AWS_REGION, profile, instance metadata): " + e.getMessage(), e);
    }
  }

  private static boolean carriesLicenseArnShim(MarketplaceMeteringClient meteringClient) {
    return meteringClient.serviceClientConfiguration().overrideConfiguration().executionInterceptors().stream()
        .anyMatch(LicenseArnShim.class::isInstance);
  }

  /** {@code value}, checked positive, or IllegalArgumentException naming {@code option}. */
  static Duration positive(Duration value, String option) {
    Objects.requireNonNull(value, option);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(option + " must be positive but was " + value);
    }
    return value;
  }

  /** {@code value}, checked at least 1, or IllegalArgumentException naming {@code option}. */
  static int atLeastOne(int value, String option) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be >= 1 but was " + value);
    }
    return value;
  }
}
