package io.hourmeter.internal;

import io.hourmeter.Buyer;
import io.hourmeter.Dimension;
import io.hourmeter.Tags;
import java.util.Objects;

/**
 * A dimension handle, of the meter's own account or of one SaaS buyer: its journal ids are resolved
 * once, so {@link #record} does no lookup. An allocation handle also holds its tag set's id, resolved
 * once by {@link #allocation}. Immutable and thread-safe.
 */
final class DefaultDimension implements Dimension {
  private final String name;
  private final int id;
  private final int customerId;
  private final Buyer buyer;
  private final DefaultMeter meter;
  private final Tags tags;
  private final int tagSetId;

  DefaultDimension(String name, int id, DefaultMeter meter) {
    this(name, id, 0, null, meter);
  }

  DefaultDimension(String name, int id, int customerId, Buyer buyer, DefaultMeter meter) {
    this(name, id, customerId, buyer, meter, Tags.NONE, 0);
  }

  private DefaultDimension(String name, int id, int customerId, Buyer buyer, DefaultMeter meter, Tags tags,
      int tagSetId) {
    this.tags = tags;
    this.tagSetId = tagSetId;
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
    checkQuantity(quantity, name, buyer);
    return quantity == 0 || meter.append(id, customerId, quantity, tagSetId);
  }

  /** The one check of a recorded quantity, for handles and for {@code Meter.record(buyer, ...)}. */
  static void checkQuantity(long quantity, String dimension, Buyer buyer) {
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0 but was " + quantity + " for dimension '"
          + dimension + "'" + (buyer == null ? "" : " of " + buyer));
    }
  }

  @Override
  public Dimension allocation(Tags allocationTags) {
    Objects.requireNonNull(allocationTags, "tags");
    if (allocationTags.isEmpty()) {
      throw new IllegalArgumentException("an allocation has 1.." + Tags.MAX_TAGS
          + " tags; record untagged usage on the dimension's own handle");
    }
    if (!tags.isEmpty()) {
      throw new IllegalArgumentException("dimension '" + name + "' already has the allocation [" + tags
          + "]; make allocations from the dimension's own handle");
    }
    return new DefaultDimension(name, id, customerId, buyer, meter, allocationTags, meter.tagSetId(allocationTags));
  }

  @Override
  public Tags tags() {
    return tags;
  }

  @Override
  public String toString() {
    String what = buyer == null ? name : name + " of " + buyer.key();
    return "Dimension[" + what + (tags.isEmpty() ? "" : " [" + tags + "]") + "]";
  }
}
