package io.hourmeter.internal.inspect;

import io.hourmeter.Buyer;
import io.hourmeter.spi.UsageJournal;
import java.util.HashMap;
import java.util.Map;

/**
 * The buyers of a journal's customer ids, for a reader of its records (the inspection views, the
 * CLI's {@code dump}): the registry is read once, and again only from the first id not seen yet (a
 * buyer the running application registered since), so a journal of 100,000 buyers is read once. An id
 * the registry does not hold shows as the buyer {@code id:unknown-<id>}.
 *
 * <p>Internal: not a supported API. Not thread-safe.
 */
public final class JournalBuyers {
  private final UsageJournal journal;
  private final Map<Integer, Buyer> buyers = new HashMap<>();
  private int next = 1;

  public JournalBuyers(UsageJournal journal) {
    this.journal = journal;
  }

  /** The buyer of {@code customerId} (1 or more; 0 is the meter's own account and has none). */
  public Buyer buyer(int customerId) {
    if (customerId >= next) {
      journal.customers(next).forEach((id, key) -> {
        buyers.put(id, Buyer.fromKey(key));
        next = Math.max(next, id + 1);
      });
    }
    Buyer buyer = buyers.get(customerId);
    return buyer != null ? buyer : Buyer.ofCustomerIdentifier("unknown-" + customerId);
  }
}
