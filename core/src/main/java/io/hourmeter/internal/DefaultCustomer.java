package io.hourmeter.internal;

import io.hourmeter.Buyer;
import io.hourmeter.Customer;
import io.hourmeter.Dimension;
import java.util.List;
import java.util.Objects;

/**
 * A SaaS buyer's handle: the buyer's journal customer id, resolved once, and one dimension handle per
 * declared dimension bound to it, so recording does no lookup. Immutable; thread-safe.
 */
final class DefaultCustomer implements Customer {
  private final Buyer buyer;
  private final int customerId;
  private final DefaultDimension[] dimensions;
  private final DefaultMeter meter;

  DefaultCustomer(Buyer buyer, int customerId, List<String> names, int[] dimensionIds, DefaultMeter meter) {
    this.buyer = buyer;
    this.customerId = customerId;
    this.meter = meter;
    this.dimensions = new DefaultDimension[names.size()];
    for (int i = 0; i < dimensions.length; i++) {
      dimensions[i] = new DefaultDimension(names.get(i), dimensionIds[i], customerId, buyer, meter);
    }
  }

  @Override
  public Buyer buyer() {
    return buyer;
  }

  @Override
  public Dimension dimension(String name) {
    Objects.requireNonNull(name, "dimension");
    return dimensions[meter.dimensionIndex(name)];
  }

  /** The buyer's id in the journal, or -1 if the journal could not register it (its units are refused). */
  int customerId() {
    return customerId;
  }

  @Override
  public String toString() {
    return "Customer[" + buyer.key() + "]";
  }
}
