package io.hourmeter.kafka;

import io.hourmeter.Buyer;
import io.hourmeter.Tags;
import io.hourmeter.spi.UsageKey;
import java.util.SortedMap;

/**
 * The fleet's partial records as a host's partial submitter writes them, for the fleet benchmarks
 * (which sit outside this package and need the module's own codec, package-private there, to stand in
 * for 100 hosts without 100 JVMs). Not part of the library: benchmarks only.
 */
public final class FleetBenchRecords {
  private FleetBenchRecords() { }

  /** The encoded partial of {@code units} untagged units of {@code buyer}'s {@code dimension} in {@code epochHour}. */
  public static byte[] partial(String journalId, long reportId, long epochHour, Buyer buyer, String dimension,
      long units) {
    SortedMap<Tags, FleetRecords.TagUnits> byTags = FleetRecords.newUnits();
    byTags.put(Tags.NONE, new FleetRecords.TagUnits(units, 0));
    return FleetRecords.encode(new FleetRecords.Partial(journalId, reportId, epochHour,
        new UsageKey(buyer, dimension), byTags));
  }

  /** The record key of a buyer's records on every fleet topic. */
  public static String recordKey(Buyer buyer) {
    return FleetRecords.recordKey(buyer);
  }

  /** Whether {@code value} is a final record. */
  public static boolean isFinal(byte[] value) {
    return FleetRecords.FINAL.equals(FleetRecords.kind(value));
  }

  /** The total units of a final record (own and carried, every tag set). */
  public static long finalUnits(byte[] value) {
    return FleetRecords.decodeFinal(value).units().values().stream().mapToLong(FleetRecords.TagUnits::total).sum();
  }
}
