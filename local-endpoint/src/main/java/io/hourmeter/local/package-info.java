/**
 * A local AWS Marketplace Metering endpoint for tests and demos:
 * {@link io.hourmeter.local.LocalMeteringEndpoint} speaks AWS JSON 1.1 on 127.0.0.1 and follows
 * MeterUsage's model and documented semantics (hourly dedup, ClientToken idempotency, the six-hour
 * window, product/dimension/entitlement checks, limits, DryRun, credential errors) and BatchMeterUsage's
 * (per-record status for subscribed buyers, minute dedup, LicenseArn, the 24-hour window with the
 * month-end cut-off, unprocessed records), with run-time
 * {@link io.hourmeter.local.Faults} and a view of what it accepted. JDK and SLF4J only.
 * {@link io.hourmeter.local.AcceleratedClock} runs simulated hours in seconds.
 */
package io.hourmeter.local;
