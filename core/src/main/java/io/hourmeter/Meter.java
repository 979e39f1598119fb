package io.hourmeter;

/**
 * Records usage of a product sold on AWS Marketplace, durably and fast, and reports it to AWS from a
 * background drainer: MeterUsage with exactly one report per dimension-hour in
 * {@link MeteringMode#HOURLY} mode and persisted ClientTokens in {@link MeteringMode#AGENTCORE} mode;
 * BatchMeterUsage with one record per buyer, dimension and hour in {@link MeteringMode#SAAS} mode, where
 * usage is recorded on a buyer's {@link Customer} handle.
 *
 * <pre>{@code
 * Meter meter = Meter.builder()
 *     .productCode("prod-abc123")
 *     .dimensions("users", "requests")
 *     .journalDirectory(Path.of("/var/lib/myapp/hourmeter"))
 *     .submitter(AwsUsageSubmitter.create())
 *     .build();
 * Dimension users = meter.dimension("users");   // look up once
 * users.record(3);                             // on the hot path
 * }</pre>
 *
 * <p>Thread-safety: every method may be called from any thread. {@code record} never blocks on the
 * network and never throws for infrastructure trouble; it throws only for caller mistakes.
 */
public interface Meter extends AutoCloseable {

  /** A new builder. */
  static MeterBuilder builder() {
    return new MeterBuilder();
  }

  /**
   * The handle for a declared dimension. Look it up once and record on it.
   *
   * @throws NullPointerException     if {@code name} is null
   * @throws IllegalArgumentException if {@code name} was not declared on the builder
   */
  Dimension dimension(String name);

  /**
   * Journals usage of a dimension by name: {@code dimension(name).record(quantity)}. It costs one map
   * lookup more than recording on a handle. In SAAS mode usage belongs to a buyer: use
   * {@link #record(Buyer, String, long)}.
   *
   * @return whether the usage was journaled; see {@link Dimension#record(long)}
   * @throws NullPointerException     if {@code dimension} is null
   * @throws IllegalArgumentException if {@code dimension} is unknown or {@code quantity} negative
   */
  boolean record(String dimension, long quantity);

  /**
   * The handle of a SaaS buyer ({@link MeteringMode#SAAS}). The first call for a buyer assigns it a
   * stable customer id in the journal directory (persisted; the same in every process and after every
   * restart); later calls find the handle in a bounded cache. Customers are not declared up front.
   *
   * @throws NullPointerException  if {@code buyer} is null
   * @throws IllegalStateException if the meter is not in SAAS mode
   */
  Customer customer(Buyer buyer);

  /**
   * Journals a SaaS buyer's usage: {@code customer(buyer).dimension(dimension).record(quantity)}, with
   * one cached lookup of the buyer and none of the dimension.
   *
   * @return whether the usage was journaled; see {@link Dimension#record(long)}
   * @throws NullPointerException     if an argument is null
   * @throws IllegalArgumentException if {@code dimension} is unknown or {@code quantity} negative
   * @throws IllegalStateException    if the meter is not in SAAS mode
   */
  boolean record(Buyer buyer, String dimension, long quantity);

  /**
   * An immutable snapshot of the meter's health. Cheap enough for a health endpoint. It returns the
   * figures the drainer last published and asks it to read the journal to its end now, rather than at
   * its next {@code drainInterval}: {@link MeterStatus#drainerLag()} says how old they may be, and the
   * next call sees the catch-up.
   */
  MeterStatus status();

  /**
   * Stops the drainer (waiting, bounded, for an in-flight send), applies the {@link ShutdownPolicy},
   * and closes the journal. Idempotent.
   *
   * <p>After close, {@code record()} still throws for caller mistakes, but otherwise journals nothing
   * and returns {@code false}; the refused units are counted in {@link MeterStatus#refusedUnits()}
   * (status keeps working after close) and the first such call is logged once at WARN. The
   * {@link ErrorHandler} is not told: no background thread is left to tell it, and a recording thread
   * never runs it. Close the meter after the threads that record have stopped.
   *
   * <p>After close, {@link #status()} shows the figures at close, with
   * {@link MeterStatus.Sending#CLOSED}: what the closing flush sent is counted as accepted, and
   * {@code pendingUnitsByHour} holds what waits for the next start (under the default
   * {@link ShutdownPolicy#LEAVE_OPEN_HOUR}, the hour in progress). The same count is logged once at
   * INFO.
   */
  @Override
  void close();
}
