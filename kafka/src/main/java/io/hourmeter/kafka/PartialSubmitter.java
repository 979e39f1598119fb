package io.hourmeter.kafka;

import io.hourmeter.Tags;
import io.hourmeter.kafka.FleetRecords.Partial;
import io.hourmeter.kafka.FleetRecords.TagUnits;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SendPermission;
import io.hourmeter.spi.SubmitOutcome;
import io.hourmeter.spi.UsageAllocation;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's submitter in a fleet: ships each frozen report as one {@link Partial} record, keyed by buyer,
 * to the partials topic, a call's reports in one Kafka transaction. A report is ACCEPTED once the
 * transaction is committed (its "MeteringRecordId" names the topic, partition and offset); a resend is
 * byte-identical, and the aggregator drops it as a duplicate by (journal id, buyer, dimension, hour).
 *
 * <p>Failures are outcomes, never exceptions: Kafka unreachable, a send or the begin failing (the
 * transaction is aborted, so nothing was written) is RETRYABLE; a commit that failed or timed out is
 * OUTCOME_UNKNOWN (it may have committed; the resend is deduplicated either way). After a failure the
 * producer is closed and made again at the next send. The host goes on journaling meanwhile.
 *
 * <p>Thread-safety: the drainer thread sends; {@link #close()} may come from another thread after it.
 */
final class PartialSubmitter implements UsageSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(PartialSubmitter.class);
  /** Reports per transaction: a BatchMeterUsage-like call unit, large enough to amortise the commit. */
  static final int REPORTS_PER_CALL = 500;
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final KafkaFleet fleet;
  private volatile String journalId;
  private KafkaProducer<String, byte[]> producer;

  PartialSubmitter(KafkaFleet fleet) {
    this.fleet = fleet;
  }

  @Override
  public void useJournalId(String id) {
    if (journalId != null && !journalId.equals(id)) {
      throw new IllegalStateException("this partial submitter already ships journal " + journalId
          + "; make one submitter per meter with KafkaFleet.partialSubmitter()");
    }
    journalId = id;
  }

  @Override
  public SendPermission tryAcquirePermission() {
    return journalId == null ? SendPermission.deny(Duration.ofSeconds(1), "no journal id yet")
        : SendPermission.allow();
  }

  @Override
  public SubmitOutcome submit(UsageReport report) {
    return submitAll(List.of(report)).get(0);
  }

  @Override
  public int maxReportsPerCall() {
    return REPORTS_PER_CALL;
  }

  @Override
  public int callSize(List<UsageReport> candidates) {
    return candidates.size();
  }

  @Override
  public List<SubmitOutcome> submitAll(List<UsageReport> reports) {
    for (UsageReport r : reports) {
      if (r.buyer() == null) {
        return Collections.nCopies(reports.size(), SubmitOutcome.failed(OutcomeClass.CONFIGURATION,
            "NotSaas", "the partial submitter ships SAAS reports (a buyer each); use mode SAAS").forWholeCall());
      }
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(reports.size());
    boolean begun = false;
    try {
      KafkaProducer<String, byte[]> p = producer();
      p.beginTransaction();
      begun = true;
      for (UsageReport r : reports) {
        sent.add(p.send(record(r)));
      }
      p.flush();
    } catch (RuntimeException e) {
      abortQuietly(begun);
      return all(reports.size(), OutcomeClass.RETRYABLE, e);
    }
    try {
      producer.commitTransaction();
    } catch (RuntimeException e) {
      reset();
      return all(reports.size(), OutcomeClass.OUTCOME_UNKNOWN, e);
    }
    List<SubmitOutcome> outcomes = new ArrayList<>(reports.size());
    for (Future<RecordMetadata> f : sent) {
      outcomes.add(SubmitOutcome.accepted(recordId(f)));
    }
    return outcomes;
  }

  private static String recordId(Future<RecordMetadata> f) {
    try {
      RecordMetadata m = f.get();
      return "kafka:" + m.topic() + "-" + m.partition() + "@" + m.offset();
    } catch (Exception e) {
      return "kafka:committed";
    }
  }

  /** The partial record of a report: byte-identical for the same report. */
  ProducerRecord<String, byte[]> record(UsageReport r) {
    SortedMap<Tags, TagUnits> units = FleetRecords.newUnits();
    long carried = r.carriedUnits();
    if (r.allocations().isEmpty()) {
      units.put(Tags.NONE, new TagUnits(r.quantity() - carried, carried));
    } else {
      // Carried units are not split per tag set by the host's report; the aggregator counts each tag set's
      // units as the hour's own, and keeps the report's carried total on its first tag set.
      for (UsageAllocation a : r.allocations()) {
        Tags tags = a.tags().isEmpty() ? Tags.NONE : Tags.of(a.tags());
        long fromPool = Math.min(carried, a.quantity());
        carried -= fromPool;
        units.merge(tags, new TagUnits(a.quantity() - fromPool, fromPool), TagUnits::plus);
      }
    }
    Partial partial = new Partial(journalId, r.id(), r.epochHour(), r.key().base(), units);
    return new ProducerRecord<>(fleet.partialsTopic(), FleetRecords.recordKey(r.buyer()), FleetRecords.encode(partial));
  }

  private KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      Map<String, Object> config = FleetClients.producerConfig(fleet, fleet.hostTransactionalId(journalId));
      KafkaProducer<String, byte[]> p = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
      try {
        p.initTransactions();
      } catch (RuntimeException e) {
        p.close(Duration.ZERO);
        throw e;
      }
      producer = p;
    }
    return producer;
  }

  private void abortQuietly(boolean begun) {
    if (producer == null) {
      return;
    }
    try {
      if (begun) {
        producer.abortTransaction();
        return;
      }
    } catch (RuntimeException e) {
      LOG.debug("aborting the partials transaction failed; the producer is made again", e);
    }
    reset();
  }

  private void reset() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("closing the partials producer failed", e);
      }
      producer = null;
    }
  }

  private static List<SubmitOutcome> all(int size, OutcomeClass outcome, RuntimeException e) {
    LOG.debug("shipping partials failed ({})", outcome, e);
    SubmitOutcome o = SubmitOutcome.failed(outcome, e.getClass().getSimpleName(),
        "Kafka: " + e.getMessage()).forWholeCall();
    return Collections.nCopies(size, o);
  }

  @Override
  public Duration backoff(int consecutiveFailures) {
    long base = 200L << Math.min(consecutiveFailures - 1, 10);
    long capped = Math.min(base, MAX_BACKOFF.toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  @Override
  public synchronized void close() {
    reset();
  }

  @Override
  public String toString() {
    return "PartialSubmitter[" + fleet.partialsTopic() + "]";
  }
}
