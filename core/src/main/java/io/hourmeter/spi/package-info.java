/**
 * The ports that Hourmeter's core drives: {@link io.hourmeter.spi.UsageJournal} (append and read usage,
 * by hour), {@link io.hourmeter.spi.ReportLedger} (durable state of reports) and
 * {@link io.hourmeter.spi.UsageSubmitter} (send a report, get a classified outcome). Adapters implement
 * them; every implementation must pass the contract suites in hourmeter-core's test jar.
 */
package io.hourmeter.spi;
