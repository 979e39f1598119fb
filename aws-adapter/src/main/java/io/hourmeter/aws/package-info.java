/**
 * Hourmeter's AWS adapter: {@link io.hourmeter.aws.AwsUsageSubmitter}, a
 * {@link io.hourmeter.spi.UsageSubmitter} over the AWS SDK for Java v2 {@code MarketplaceMeteringClient}
 * (UrlConnection HTTP client, SDK retries off) that sends with MeterUsage or, for SaaS, BatchMeterUsage
 * (25 reports a call, each with its own outcome), with request building from frozen reports,
 * model-limit validation, a single error classification table, a Resilience4j circuit breaker and rate
 * limiter behind the low-level permission protocol, capped exponential backoff with jitter, and a DryRun
 * permission check. Build it with {@link io.hourmeter.aws.AwsUsageSubmitter#create()} or
 * {@link io.hourmeter.aws.AwsUsageSubmitter#builder()}; everything else in the package is internal.
 */
package io.hourmeter.aws;
