package io.hourmeter.internal;

import io.hourmeter.Dimension;

/** A dimension handle: its journal id is resolved once, so {@link #record} does no lookup. */
final class DefaultDimension implements Dimension {
  private final String name;
  private final int id;
  private final DefaultMeter meter;

  DefaultDimension(String name, int id, DefaultMeter meter) {
    this.name = name;
    this.id = id;
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
          + name + "'");
    }
    return quantity == 0 || meter.append(id, quantity);
  }

  @Override
  public String toString() {
    return "Dimension[" + name + "]";
  }
}
