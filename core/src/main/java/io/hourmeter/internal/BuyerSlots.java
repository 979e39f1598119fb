package io.hourmeter.internal;

import io.hourmeter.Buyer;

/**
 * Reaches the one mutable field of {@link Buyer}: a slot where a meter leaves the buyer's customer id,
 * so that {@code meter.record(buyer, dimension, quantity)} on a {@code Buyer} the application holds
 * finds the id in the object it already has, without a cache lookup. With 100,000 buyers such a lookup
 * is its cache misses, several times the cost of the append it precedes. The slot holds an immutable
 * {@link MeterSlot} (a meter's token and an int), never the meter itself, so a buyer the application
 * keeps does not keep a closed meter alive; a slot of another meter is only a miss. The JDK's
 * SharedSecrets pattern: {@code Buyer} installs the accessor when its class initialises. Internal: not a
 * supported API.
 *
 * <p>Thread-safety: the slot is a plain field; {@link MeterSlot} has only final fields, so a racing
 * reader sees either no slot or a whole one.
 */
public final class BuyerSlots {
  /** How the internal package reads and writes the slot; installed by {@link Buyer}. */
  public interface Accessor {
    Object get(Buyer buyer);

    void set(Buyer buyer, Object slot);
  }

  /** A meter's customer id for a buyer: {@code token} is the meter's identity. */
  record MeterSlot(Object token, int customerId) { }

  private static Accessor accessor;

  private BuyerSlots() { }

  /** Called once, by {@link Buyer}'s static initialiser. */
  public static void install(Accessor access) {
    if (accessor != null) {
      throw new IllegalStateException("already installed");
    }
    accessor = access;
  }

  /** The customer id {@code token}'s meter left in {@code buyer}, or -1. */
  static int customerId(Buyer buyer, Object token) {
    return accessor.get(buyer) instanceof MeterSlot slot && slot.token() == token ? slot.customerId() : -1;
  }

  static void remember(Buyer buyer, Object token, int customerId) {
    accessor.set(buyer, new MeterSlot(token, customerId));
  }
}
