package io.hourmeter.internal;

import io.hourmeter.Buyer;
import io.hourmeter.Dimension;

/**
 * A dimension handle, of the meter's own account or of one SaaS buyer: its journal ids are resolved
 * once, so {@link #record} does no lookup.
 */
final class DefaultDimension implements Dimension {
  private final String name;
  private final int id;
  private final int customerId;
  private final Buyer buyer;
  private final DefaultMeter meter;

  DefaultDimension(String name, int id, DefaultMeter meter) {
    this(name, id, 0, null, meter);
  }

  DefaultDimension(String name, int id, int customerId, Buyer buyer, DefaultMeter meter) {
    this.name = name;
    this.id = id;
    this.customerId = customerId;
    this.buyer = buyer;
    this.meter = meter;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean record(long quantity) {
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0 but was " + quantity + " for dimension '"
          + name + "'" + (buyer == null ? "" : " of " + buyer));
    }
    return quantity == 0 || meter.append(id, customerId, quantity);
  }

  @Override
  public String toString() {
    return buyer == null ? "Dimension[" + name + "]" : "Dimension[" + name + " of " + buyer.key() + "]";
  }
}
