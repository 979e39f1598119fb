package io.hourmeter.spring.boot;

import static io.hourmeter.spring.boot.PropertyChecks.apply;
import static io.hourmeter.spring.boot.PropertyChecks.required;

import io.hourmeter.Meter;
import io.hourmeter.MeterBuilder;
import io.hourmeter.MeteringMode;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.aws.AwsUsageSubmitterBuilder;
import io.hourmeter.aws.ContainerRegistration;
import io.hourmeter.aws.ContainerRegistrationBuilder;
import io.hourmeter.journal.JvmFlags;
import io.hourmeter.spi.UsageSubmitter;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Builds the meter, the AWS submitter and the container registration from {@link HourmeterProperties},
 * through the public builders, so that every check of docs/configuration.md applies, named by property.
 * Stateless.
 */
final class PropertiesBuilders {

  private PropertiesBuilders() { }

  /**
   * The AWS submitter: the default credential and region chains unless properties say otherwise, or
   * the application's own {@code MarketplaceMeteringClient} when it has one.
   */
  static AwsUsageSubmitter submitter(HourmeterProperties properties, MarketplaceMeteringClient client) {
    requireMeterProperties(properties);
    AwsUsageSubmitterBuilder builder = AwsUsageSubmitter.builder();
    if (properties.getMode() == MeteringMode.SAAS) {
      builder.batchMeterUsage();
    }
    if (client != null) {
      apply("hourmeter.region", client, builder::client);
    }
    apply("hourmeter.region", properties.getRegion(), region -> builder.region(Region.of(region)));
    apply("hourmeter.endpoint-override", properties.getEndpointOverride(), builder::endpointOverride);
    HourmeterProperties.Aws aws = properties.getAws();
    apply("hourmeter.aws.connect-timeout", aws.getConnectTimeout(), builder::connectTimeout);
    apply("hourmeter.aws.read-timeout", aws.getReadTimeout(), builder::readTimeout);
    apply("hourmeter.aws.api-call-timeout", aws.getApiCallTimeout(), builder::apiCallTimeout);
    apply("hourmeter.aws.name", aws.getName(), builder::name);
    apply("hourmeter.aws.failure-rate-threshold", aws.getFailureRateThreshold(), builder::failureRateThreshold);
    apply("hourmeter.aws.sliding-window-size", aws.getSlidingWindowSize(), builder::slidingWindowSize);
    apply("hourmeter.aws.minimum-number-of-calls", aws.getMinimumNumberOfCalls(), builder::minimumNumberOfCalls);
    apply("hourmeter.aws.wait-duration-in-open-state", aws.getWaitDurationInOpenState(),
        builder::waitDurationInOpenState);
    apply("hourmeter.aws.permitted-calls-in-half-open-state", aws.getPermittedCallsInHalfOpenState(),
        builder::permittedCallsInHalfOpenState);
    if (aws.getRateLimitPermits() != null || aws.getRateLimitPeriod() != null) {
      int permits = required("hourmeter.aws.rate-limit-permits", aws.getRateLimitPermits(),
          "set together with hourmeter.aws.rate-limit-period");
      apply("hourmeter.aws.rate-limit-period", required("hourmeter.aws.rate-limit-period",
          aws.getRateLimitPeriod(), "set together with hourmeter.aws.rate-limit-permits"),
          period -> builder.rateLimit(permits, period));
    }
    if (aws.getBackoffInitial() != null || aws.getBackoffMultiplier() != null || aws.getBackoffJitter() != null
        || aws.getBackoffMax() != null) {
      String together = "hourmeter.aws.backoff-initial, -multiplier, -jitter and -max are set together";
      apply("hourmeter.aws.backoff-initial", required("hourmeter.aws.backoff-initial", aws.getBackoffInitial(),
          together), initial -> builder.backoff(initial,
              required("hourmeter.aws.backoff-multiplier", aws.getBackoffMultiplier(), together),
              required("hourmeter.aws.backoff-jitter", aws.getBackoffJitter(), together),
              required("hourmeter.aws.backoff-max", aws.getBackoffMax(), together)));
    }
    return PropertyChecks.build(builder::build, values(properties));
  }

  /** The RegisterUsage call of a container product, configured like the submitter. */
  static ContainerRegistration registration(HourmeterProperties properties, MarketplaceMeteringClient client) {
    HourmeterProperties.Container container = properties.getContainer();
    ContainerRegistrationBuilder builder = ContainerRegistration.builder();
    apply("hourmeter.product-code", required("hourmeter.product-code", properties.getProductCode(),
        "the listing's product code"), builder::productCode);
    int version = required("hourmeter.container.public-key-version", container.getPublicKeyVersion(),
        "the PublicKeyVersion AWS Marketplace gave with its public key");
    apply("hourmeter.container.public-key-version", version, builder::publicKeyVersion);
    apply("hourmeter.container.public-key", required("hourmeter.container.public-key", container.getPublicKey(),
        "the AWS Marketplace public key (PEM) of hourmeter.container.public-key-version"),
        pem -> builder.publicKey(version, pem));
    apply("hourmeter.container.retry-for", container.getRetryFor(), builder::retryFor);
    if (client != null) {
      apply("hourmeter.region", client, builder::client);
    }
    apply("hourmeter.region", properties.getRegion(), region -> builder.region(Region.of(region)));
    apply("hourmeter.endpoint-override", properties.getEndpointOverride(), builder::endpointOverride);
    HourmeterProperties.Aws aws = properties.getAws();
    apply("hourmeter.aws.connect-timeout", aws.getConnectTimeout(), builder::connectTimeout);
    apply("hourmeter.aws.read-timeout", aws.getReadTimeout(), builder::readTimeout);
    apply("hourmeter.aws.api-call-timeout", aws.getApiCallTimeout(), builder::apiCallTimeout);
    return PropertyChecks.build(builder::build, values(properties));
  }

  /**
   * The meter. The Chronicle JVM flags are checked first, with {@link JvmFlags#check()}, the check
   * {@code build()} runs, so startup fails with the same message and nothing else is touched.
   */
  static Meter meter(HourmeterProperties properties, UsageSubmitter submitter, InstantSource clock) {
    try {
      JvmFlags.check();
    } catch (IllegalStateException missing) {
      throw new MissingJvmFlagsException(missing);
    }
    MeterBuilder builder = Meter.builder();
    apply("hourmeter.product-code", required("hourmeter.product-code", properties.getProductCode(),
        "the listing's product code"), builder::productCode);
    apply("hourmeter.dimensions", required("hourmeter.dimensions", properties.getDimensions(),
        "the dimensions declared on the listing"), names -> builder.dimensions(names.toArray(String[]::new)));
    apply("hourmeter.journal-directory", required("hourmeter.journal-directory", properties.getJournalDirectory(),
        "a directory on persistent local disk"), builder::journalDirectory);
    builder.submitter(submitter);
    if (clock != null) {
      builder.clock(clock);
    }
    apply("hourmeter.mode", properties.getMode(), builder::mode);
    apply("hourmeter.hour-grace", properties.getHourGrace(), builder::hourGrace);
    apply("hourmeter.send-jitter", properties.getSendJitter(), builder::sendJitter);
    apply("hourmeter.deadline-margin", properties.getDeadlineMargin(), builder::deadlineMargin);
    apply("hourmeter.clock-skew-margin", properties.getClockSkewMargin(), builder::clockSkewMargin);
    apply("hourmeter.carry-policy", properties.getCarryPolicy(), builder::carryPolicy);
    apply("hourmeter.shutdown-policy", properties.getShutdownPolicy(), builder::shutdownPolicy);
    apply("hourmeter.retention", properties.getRetention(), builder::retention);
    apply("hourmeter.close-timeout", properties.getCloseTimeout(), builder::closeTimeout);
    apply("hourmeter.drain-interval", properties.getDrainInterval(), builder::drainInterval);
    apply("hourmeter.agent-core-cut-interval", properties.getAgentCoreCutInterval(), builder::agentCoreCutInterval);
    apply("hourmeter.agent-core-cut-units", properties.getAgentCoreCutUnits(), builder::agentCoreCutUnits);
    apply("hourmeter.min-free-disk-bytes", properties.getMinFreeDiskBytes(),
        size -> builder.minFreeDiskBytes(size.toBytes()));
    apply("hourmeter.check-permission-at-start", properties.getCheckPermissionAtStart(),
        builder::checkPermissionAtStart);
    apply("hourmeter.usage-window", properties.getUsageWindow(), builder::usageWindow);
    apply("hourmeter.max-cached-customers", properties.getMaxCachedCustomers(), builder::maxCachedCustomers);
    return PropertyChecks.build(builder::build, values(properties));
  }

  /** The properties without which there is no meter, checked before anything is built. */
  static void requireMeterProperties(HourmeterProperties properties) {
    required("hourmeter.product-code", properties.getProductCode(), "the listing's product code");
    required("hourmeter.dimensions", properties.getDimensions(), "the dimensions declared on the listing");
    required("hourmeter.journal-directory", properties.getJournalDirectory(), "a directory on persistent local disk");
  }

  /** The values that {@code build()} failures may be about, by property. */
  private static Map<String, Object> values(HourmeterProperties properties) {
    Map<String, Object> values = new HashMap<>();
    values.put("hourmeter.product-code", properties.getProductCode());
    values.put("hourmeter.dimensions", properties.getDimensions());
    values.put("hourmeter.journal-directory", properties.getJournalDirectory());
    values.put("hourmeter.mode", properties.getMode());
    values.put("hourmeter.region", properties.getRegion());
    values.put("hourmeter.endpoint-override", properties.getEndpointOverride());
    values.put("hourmeter.container.public-key", properties.getContainer().getPublicKey() == null ? null : "(PEM)");
    values.put("hourmeter.container.public-key-version", properties.getContainer().getPublicKeyVersion());
    return values;
  }
}
