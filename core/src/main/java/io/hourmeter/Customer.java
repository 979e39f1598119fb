package io.hourmeter;

/**
 * A SaaS buyer's handle, made once with {@link Meter#customer(Buyer)}: the buyer's customer id in the
 * journal is resolved when the handle is made, so recording on one of its dimensions does no lookup and
 * allocates nothing, exactly like a {@link Dimension} handle in hourly mode.
 *
 * <p>A meter keeps the handles it made in a bounded cache; a handle the application holds stays valid
 * after the cache evicted it (it holds only the buyer's stable id), and
 * {@link Meter#customer(Buyer)} then makes an equal one.
 *
 * <p>Thread-safe: any number of threads may record on one handle.
 */
public interface Customer {

  /** The buyer this handle records for. */
  Buyer buyer();

  /**
   * The handle that records this buyer's usage of a declared dimension. Look it up once per buyer and
   * dimension; {@link Dimension#record(long)} on it journals the buyer's usage.
   *
   * @throws NullPointerException     if {@code name} is null
   * @throws IllegalArgumentException if {@code name} was not declared on the builder
   */
  Dimension dimension(String name);
}
