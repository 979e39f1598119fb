package io.hourmeter.aws;

import io.github.resilience4j.core.IntervalFunction;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
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
 * Configures an {@link AwsUsageSubmitter}. Every option has a safe default; setting an option twice, or
 * combining {@link #client} with options that only apply to a client built here, fails naming the
 * option.
 *
 * <h2>Operation</h2>
 * A submitter sends with MeterUsage unless {@link #batchMeterUsage()} is called, which makes it send
 * SaaS reports with BatchMeterUsage, 25 to a call. The operation is an option of this one builder, not a
 * second submitter type, because everything but the call itself (client, credentials, region, timeouts,
 * breaker, rate limiter, backoff, clock, error table) is the same; only the defaults that follow from
 * the operation's quota differ. Use the BatchMeterUsage submitter with a {@code MeteringMode.SAAS}
 * meter, and MeterUsage with the others.
 *
 * <h2>Credentials and region</h2>
 * Without {@link #credentialsProvider}, the SDK's {@link DefaultCredentialsProvider} chain is used. It
 * covers every deployment MeterUsage accepts:
 * <ul>
 *   <li>EC2 / AMI products, the <b>instance role</b>: {@code InstanceProfileCredentialsProvider} (IMDS);</li>
 *   <li>ECS, the <b>task role</b>: {@code ContainerCredentialsProvider}
 *       ({@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI});</li>
 *   <li>EKS, <b>IRSA</b>: {@code WebIdentityTokenFileCredentialsProvider} ({@code AWS_ROLE_ARN},
 *       {@code AWS_WEB_IDENTITY_TOKEN_FILE}; needs the {@code sts} module, which this artifact brings);</li>
 *   <li>Bedrock AgentCore Runtime, the <b>execution role</b>: served by the runtime's microVM metadata
 *       service like IMDS, so again {@code InstanceProfileCredentialsProvider}.</li>
 * </ul>
 * Without {@link #region}, the SDK's default region chain is used ({@code aws.region},
 * {@code AWS_REGION}, the profile, then instance metadata), so the endpoint is the instance's own region,
 * as MeterUsage requires.
 *
 * <h2>Defaults</h2>
 * Connect timeout 2 s, read timeout 10 s, API call timeout 15 s; SDK retries off; circuit breaker:
 * count-based window of 20 calls, at least 10 calls, opens at 50 % retryable failures, stays open 30 s,
 * 2 trial calls when half open; rate limit 5 calls per second for MeterUsage (half the 10 per second
 * that all of a buyer's instances share) and 9 for BatchMeterUsage (just under the seller's 10 calls per
 * second per product: at 25 records a call, about 800,000 buyer-dimensions an hour); backoff from 1 s,
 * doubling, jitter &plusmn;50 %, capped at 5 minutes.
 *
 * <p>Not thread-safe; build once.
 */
public final class AwsUsageSubmitterBuilder {

  /** The default rate limit of MeterUsage, in calls per second. */
  static final int METER_USAGE_PERMITS_PER_SECOND = 5;
  /** The default rate limit of BatchMeterUsage, in calls per second. */
  static final int BATCH_METER_USAGE_PERMITS_PER_SECOND = 9;

  private final Set<String> set = new HashSet<>();
  private boolean batch;
  private MarketplaceMeteringClient client;
  private Region region;
  private AwsCredentialsProvider credentials;
  private URI endpoint;
  private Duration connectTimeout = Duration.ofSeconds(2);
  private Duration readTimeout = Duration.ofSeconds(10);
  private Duration apiCallTimeout = Duration.ofSeconds(15);
  private InstantSource clock;
  private String name;
  private float failureRateThreshold = 50;
  private int slidingWindowSize = 20;
  private int minimumNumberOfCalls = 10;
  private Duration waitInOpenState = Duration.ofSeconds(30);
  private int permittedCallsInHalfOpenState = 2;
  private Integer permitsPerPeriod; // null: the operation's default
  private Duration ratePeriod = Duration.ofSeconds(1);
  private Duration initialBackoff = Duration.ofSeconds(1);
  private double backoffMultiplier = 2.0;
  private double backoffJitter = 0.5;
  private Duration maxBackoff = Duration.ofMinutes(5);

  AwsUsageSubmitterBuilder() { }

  /**
   * Sends with BatchMeterUsage (SaaS): up to 25 reports of one product per call, each with its buyer,
   * and a default rate limit of 9 calls per second instead of MeterUsage's 5. Permission cannot be
   * checked ahead (BatchMeterUsage has no DryRun). A {@link #client} given as well must carry
   * {@link AwsUsageSubmitter#clientOverrides()}, whose interceptor adds each record's LicenseArn.
   */
  public AwsUsageSubmitterBuilder batchMeterUsage() {
    once("batchMeterUsage");
    batch = true;
    return this;
  }

  /**
   * Uses this client instead of building one. It should have SDK retries off and Hourmeter's ClientToken
   * guard, and must have its LicenseArn interceptor for {@link #batchMeterUsage()} ({@code build()}
   * checks): build it with {@link AwsUsageSubmitter#clientOverrides()}. The submitter does not close it.
   */
  public AwsUsageSubmitterBuilder client(MarketplaceMeteringClient meteringClient) {
    once("client");
    client = Objects.requireNonNull(meteringClient, "client");
    return this;
  }

  /** The region whose endpoint is called; default: the SDK's default region chain. */
  public AwsUsageSubmitterBuilder region(Region awsRegion) {
    once("region");
    region = Objects.requireNonNull(awsRegion, "region");
    return this;
  }

  /** Where credentials come from; default: the SDK's default credentials chain. */
  public AwsUsageSubmitterBuilder credentialsProvider(AwsCredentialsProvider provider) {
    once("credentialsProvider");
    credentials = Objects.requireNonNull(provider, "credentialsProvider");
    return this;
  }

  /** Another endpoint: a VPC interface endpoint, FIPS, or a local endpoint in tests. */
  public AwsUsageSubmitterBuilder endpointOverride(URI uri) {
    once("endpointOverride");
    endpoint = Objects.requireNonNull(uri, "endpointOverride");
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("endpointOverride must be an absolute http(s) URI but was " + uri);
    }
    return this;
  }

  /** How long to wait for a TCP connection. */
  public AwsUsageSubmitterBuilder connectTimeout(Duration timeout) {
    once("connectTimeout");
    connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /** How long a read on the socket may wait for data (the answer). */
  public AwsUsageSubmitterBuilder readTimeout(Duration timeout) {
    once("readTimeout");
    readTimeout = positive(timeout, "readTimeout");
    return this;
  }

  /** How long one MeterUsage call may take in all, signing and credentials included. */
  public AwsUsageSubmitterBuilder apiCallTimeout(Duration timeout) {
    once("apiCallTimeout");
    apiCallTimeout = positive(timeout, "apiCallTimeout");
    return this;
  }

  /**
   * The clock of the circuit breaker's open wait and of DryRun timestamps. Default: the clock of the meter
   * this submitter is passed to ({@code MeterBuilder.clock}, which hands it over at {@code build()}), and
   * the system clock until then. Set it only for a submitter used without a meter: a meter given another
   * clock fails to build, since the breaker must run on the drainer's time.
   */
  public AwsUsageSubmitterBuilder clock(InstantSource source) {
    once("clock");
    clock = Objects.requireNonNull(source, "clock");
    return this;
  }

  /**
   * The name of the circuit breaker and rate limiter, for logs and metrics; default
   * {@code hourmeter-meter-usage}, or {@code hourmeter-batch-meter-usage} with {@link #batchMeterUsage()}.
   */
  public AwsUsageSubmitterBuilder name(String componentName) {
    once("name");
    if (componentName == null || componentName.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    name = componentName;
    return this;
  }

  /** The share of retryable failures, in percent (1..100), at which the circuit opens. */
  public AwsUsageSubmitterBuilder failureRateThreshold(float percent) {
    once("failureRateThreshold");
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("failureRateThreshold must be within (0, 100] but was " + percent);
    }
    failureRateThreshold = percent;
    return this;
  }

  /** How many of the latest calls the circuit breaker weighs. */
  public AwsUsageSubmitterBuilder slidingWindowSize(int calls) {
    once("slidingWindowSize");
    slidingWindowSize = atLeastOne(calls, "slidingWindowSize");
    return this;
  }

  /** How many calls the window needs before the failure rate counts. */
  public AwsUsageSubmitterBuilder minimumNumberOfCalls(int calls) {
    once("minimumNumberOfCalls");
    minimumNumberOfCalls = atLeastOne(calls, "minimumNumberOfCalls");
    return this;
  }

  /** How long the circuit stays open before trial calls are let through. */
  public AwsUsageSubmitterBuilder waitDurationInOpenState(Duration wait) {
    once("waitDurationInOpenState");
    waitInOpenState = positive(wait, "waitDurationInOpenState");
    return this;
  }

  /** How many trial calls a half-open circuit lets through. */
  public AwsUsageSubmitterBuilder permittedCallsInHalfOpenState(int calls) {
    once("permittedCallsInHalfOpenState");
    permittedCallsInHalfOpenState = atLeastOne(calls, "permittedCallsInHalfOpenState");
    return this;
  }

  /**
   * At most {@code permits} calls per {@code period}. For MeterUsage AWS allows 10 per second per buyer
   * account and region, shared by all of the buyer's instances: keep well under it (default 5 per
   * second). For BatchMeterUsage it allows 10 per second per product, and one meter per product sends
   * (default 9 per second).
   */
  public AwsUsageSubmitterBuilder rateLimit(int permits, Duration period) {
    once("rateLimit");
    permitsPerPeriod = atLeastOne(permits, "rateLimit permits");
    ratePeriod = positive(period, "rateLimit period");
    return this;
  }

  /**
   * Backoff after retryable failures: {@code initial * multiplier^(n-1)}, randomized by
   * &plusmn;{@code jitter} (0..1), capped at {@code max}.
   */
  public AwsUsageSubmitterBuilder backoff(Duration initial, double multiplier, double jitter, Duration max) {
    once("backoff");
    initialBackoff = positive(initial, "backoff initial");
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("backoff multiplier must be >= 1 but was " + multiplier);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("backoff jitter must be within [0, 1) but was " + jitter);
    }
    maxBackoff = positive(max, "backoff max");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff max " + max + " is below backoff initial " + initial);
    }
    backoffMultiplier = multiplier;
    backoffJitter = jitter;
    return this;
  }

  /**
   * Builds the submitter, and the SDK client unless one was given.
   *
   * @throws IllegalStateException naming the option when options conflict or no region can be resolved
   */
  public AwsUsageSubmitter build() {
    if (client != null) {
      for (String option : new String[] {"region", "credentialsProvider", "endpointOverride",
          "connectTimeout", "readTimeout", "apiCallTimeout"}) {
        if (set.contains(option)) {
          throw new IllegalStateException(option + " applies only to a client built by Hourmeter, but client "
              + "was given: configure it on that client instead");
        }
      }
    }
    if (client != null && batch && !carriesLicenseArnShim(client)) {
      throw new IllegalStateException("client: a BatchMeterUsage submitter needs a client built with "
          + "AwsUsageSubmitter.clientOverrides(), whose interceptor adds each record's LicenseArn (the SDK "
          + "served here drops it, and licensed buyers would be answered CustomerNotSubscribed)");
    }
    if (minimumNumberOfCalls > slidingWindowSize) {
      throw new IllegalStateException("minimumNumberOfCalls (" + minimumNumberOfCalls
          + ") must not exceed slidingWindowSize (" + slidingWindowSize + ")");
    }
    SubmitterClock clock = this.clock != null ? SubmitterClock.given(this.clock) : SubmitterClock.fromMeter();
    String gateName = name != null ? name : batch ? "hourmeter-batch-meter-usage" : "hourmeter-meter-usage";
    int permits = permitsPerPeriod != null ? permitsPerPeriod
        : batch ? BATCH_METER_USAGE_PERMITS_PER_SECOND : METER_USAGE_PERMITS_PER_SECOND;
    SendGate gate = new SendGate(gateName,
        new SendGate.CircuitSettings(failureRateThreshold, slidingWindowSize, minimumNumberOfCalls,
            waitInOpenState, permittedCallsInHalfOpenState),
        new SendGate.RateSettings(permits, ratePeriod), clock);
    MeteringOperation operation = batch ? new BatchMeterUsageOperation() : new MeterUsageOperation(clock);
    IntervalFunction intervals = IntervalFunction.ofExponentialRandomBackoff(initialBackoff,
        backoffMultiplier, backoffJitter, maxBackoff);
    if (client != null) {
      return new AwsUsageSubmitter(client, List.of(), gate, intervals, maxBackoff, attemptsToReachCap(), clock,
          operation);
    }
    List<SdkAutoCloseable> owned = new ArrayList<>();
    AwsCredentialsProvider provider = credentials;
    if (provider == null) {
      DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
      owned.add(chain);
      provider = chain;
    }
    MarketplaceMeteringClient built = buildClient(provider);
    owned.add(0, built);
    return new AwsUsageSubmitter(built, owned, gate, intervals, maxBackoff, attemptsToReachCap(), clock,
        operation);
  }

  private static boolean carriesLicenseArnShim(MarketplaceMeteringClient meteringClient) {
    return meteringClient.serviceClientConfiguration().overrideConfiguration().executionInterceptors().stream()
        .anyMatch(LicenseArnShim.class::isInstance);
  }

  /** The first failure count whose un-jittered backoff reaches the cap (at most 64). */
  private int attemptsToReachCap() {
    double interval = initialBackoff.toMillis();
    int attempt = 1;
    while (interval < maxBackoff.toMillis() && attempt < 64 && backoffMultiplier > 1.0) {
      interval *= backoffMultiplier;
      attempt++;
    }
    return attempt;
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

  private void once(String option) {
    if (!set.add(option)) {
      throw new IllegalStateException(option + " was already set");
    }
  }

  private static Duration positive(Duration value, String option) {
    Objects.requireNonNull(value, option);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(option + " must be positive but was " + value);
    }
    return value;
  }

  private static int atLeastOne(int value, String option) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be >= 1 but was " + value);
    }
    return value;
  }
}
