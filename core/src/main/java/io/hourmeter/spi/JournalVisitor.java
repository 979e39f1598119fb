package io.hourmeter.spi;

/** Receives journal records from a {@link JournalReader}. */
@FunctionalInterface
public interface JournalVisitor {

  /**
   * @param position  the record's position
   * @param epochHour the hour the record was appended in (epoch millis / 3,600,000, on the journal clock)
   * @param dimensionId the dimension's stable id
   * @param customerId the customer's stable id, or 0 for a record of no customer (all but SaaS mode)
   * @param quantity  the units recorded, zero or more
   * @param tagSetId  0 for no tags
   */
  void onRecord(long position, long epochHour, int dimensionId, int customerId, long quantity,
      int tagSetId);
}
