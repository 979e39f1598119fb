package io.hourmeter;

/**
 * A handle on one declared dimension, looked up once with {@link Meter#dimension(String)}.
 *
 * <p>Recording on a handle does no map lookup, allocates nothing, takes no lock beyond the journal's
 * own and reads the clock once. It is thread-safe: any number of threads may record on one handle.
 */
public interface Dimension {

  /** The dimension's name, as declared on the builder and as sent to AWS. */
  String name();

  /**
   * Journals {@code quantity} units of this dimension in the current hour.
   *
   * <p>When this returns {@code true} the usage is in the journal and survives {@code kill -9} of the
   * process. It returns {@code false}, and journals nothing, when the journal refuses the append: the
   * disk is below the free-space threshold, or the meter is closed. Refused units are counted in
   * {@link MeterStatus#refusedUnits()} and reported to the {@link ErrorHandler} from a background
   * thread. Infrastructure trouble never throws here.
   *
   * @param quantity units to record, zero or more; zero journals nothing and returns {@code true}
   * @return whether the usage was journaled
   * @throws IllegalArgumentException if {@code quantity} is negative
   */
  boolean record(long quantity);

  /**
   * A handle on this dimension whose usage carries {@code tags}: sent as a UsageAllocation of its own
   * in each report of the dimension (and buyer) for the hour. Make it once and keep it: the tag set is
   * registered in the journal directory here, so recording on the handle does no lookup and allocates
   * nothing, as on this one.
   *
   * @throws IllegalArgumentException if {@code tags} is {@link Tags#NONE} or this handle already has tags
   */
  default Dimension allocation(Tags tags) {
    throw new UnsupportedOperationException("allocations are not supported by " + getClass().getName());
  }

  /** The tag set of this handle's usage; {@link Tags#NONE} on a dimension's own handle. */
  default Tags tags() {
    return Tags.NONE;
  }
}
