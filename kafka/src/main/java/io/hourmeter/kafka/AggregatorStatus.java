package io.hourmeter.kafka;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/**
 * A snapshot of one aggregator instance: the Streams state, and per partition it runs the hours open
 * and closed, late partials carried, carries applied, duplicates dropped and finals emitted. Counters
 * are kept in the partition's state, so they survive restarts and move with the partition.
 *
 * @param at            when it was taken, on the aggregator's clock
 * @param state         the Kafka Streams state ({@code RUNNING}, {@code REBALANCING}, {@code ERROR}...)
 * @param partitions    one entry per partition this instance runs now
 * @param consumerLag   records not yet read on the partials and outcomes partitions this instance runs,
 *                      or -1 when unknown
 */
public record AggregatorStatus(Instant at, String state, List<PartitionStatus> partitions, long consumerLag) {

  public AggregatorStatus {
    partitions = List.copyOf(partitions);
  }

  /** Late partials carried into a later hour, over every partition this instance runs. */
  public long latePartialsCarried() {
    return partitions.stream().mapToLong(PartitionStatus::latePartialsCarried).sum();
  }

  /** Finals emitted, over every partition this instance runs. */
  public long finalsEmitted() {
    return partitions.stream().mapToLong(PartitionStatus::finalsEmitted).sum();
  }

  /**
   * One partition's figures.
   *
   * @param partition           the partition of the partials and outcomes topics
   * @param firstOpenHour       the start of the first hour not yet closed, or {@code null} before the
   *                            first close
   * @param openKeysByHour      per open hour start, the buyer-dimensions with usage in it
   * @param latePartialsCarried partials that came after their hour closed, carried into the next open hour
   * @param lateUnits           the units of those partials
   * @param carriesApplied      carries back from the sender put into an open hour
   * @param carriedUnits        their units
   * @param duplicatesDropped   partials and carries dropped as already seen
   * @param finalsEmitted       finals written to the finals topic
   * @param malformed           records skipped as not fleet records
   * @param lastClose           when this instance last closed an hour of the partition, or {@code null}
   */
  public record PartitionStatus(int partition, Instant firstOpenHour, SortedMap<Instant, Long> openKeysByHour,
      long latePartialsCarried, long lateUnits, long carriesApplied, long carriedUnits, long duplicatesDropped,
      long finalsEmitted, long malformed, Instant lastClose) { }
}
