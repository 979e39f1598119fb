package io.hourmeter.kafka;

import io.hourmeter.MeterStatus.Sending;
import java.time.Instant;

/**
 * A snapshot of the fleet sender.
 *
 * @param at                  when it was taken, on the sender's clock
 * @param active              whether this sender holds the finals partition now
 * @param finalsPending       finals frozen as reports and not yet settled (accepted, carried or
 *                            dead-lettered)
 * @param finalsLag           finals on the topic not yet read, or -1 when unknown
 * @param finalsOffset        the next finals offset to read, as committed in the ledger
 * @param lastSuccess         when BatchMeterUsage last accepted a record, or {@code null}
 * @param consecutiveFailures failed sends since the last success
 * @param sending             whether it is sending, backing off or suspended
 * @param acceptedReports     records accepted since the ledger was created
 * @param acceptedUnits       units in them
 * @param carriedUnits        units the sender carried back to the aggregator
 * @param deadLetteredReports records dead-lettered (with a reason, kept in the ledger and on the outcomes topic)
 * @param deadLetteredUnits   units in them
 * @param carriesWaiting      units carried but not yet written to the outcomes topic
 * @param lastError           the last error, or {@code null}
 */
public record SenderStatus(Instant at, boolean active, long finalsPending, long finalsLag, long finalsOffset,
    Instant lastSuccess, int consecutiveFailures, Sending sending, long acceptedReports, long acceptedUnits,
    long carriedUnits, long deadLetteredReports, long deadLetteredUnits, long carriesWaiting, String lastError) { }
