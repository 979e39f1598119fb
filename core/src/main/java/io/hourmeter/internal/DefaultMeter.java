package io.hourmeter.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hourmeter.Buyer;
import io.hourmeter.Customer;
import io.hourmeter.Dimension;
import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import io.hourmeter.ShutdownPolicy;
import io.hourmeter.internal.drain.Drainer;
import io.hourmeter.internal.drain.DrainerRunner;
import io.hourmeter.spi.UsageJournal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meter: dimension handles over the journal on the hot path, and the drainer behind it.
 * {@link #start} opens only the journal and returns at once: the drainer takes the directory's lock,
 * opens the ledger and rebuilds its state on its own thread, so the first {@code record()} never
 * waits for a recovery.
 *
 * <p>In SAAS mode the handles are per buyer ({@link DefaultCustomer}), kept in a bounded Caffeine
 * cache: an application with 100,000 buyers holds only the most used handles, and one evicted is made
 * again from the buyer's customer id, which the journal keeps. If the journal cannot register a new
 * buyer (its disk failed), the handle made refuses units (counted in {@code refusedUnits}, like a full
 * disk) and is not cached, so the next {@link #customer} tries again. Internal: not a supported API.
 */
public final class DefaultMeter implements Meter {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultMeter.class);

  private final MeterSettings settings;
  private final UsageJournal journal;
  private final Map<String, DefaultDimension> dimensions;
  private final Map<String, Integer> dimensionIndex;
  private final int[] dimensionIds;
  private final Cache<Buyer, DefaultCustomer> customers;
  /** This meter's identity in the customer-id slot of the buyers it records by value. */
  private final Object slotToken = new Object();
  private final LongAdder refusedUnits = new LongAdder();
  private final AtomicBoolean warnedAfterClose = new AtomicBoolean();
  private final Drainer drainer;
  private DrainerRunner runner;
  private volatile boolean closed;

  private DefaultMeter(MeterSettings settings, UsageJournal journal) {
    this.settings = settings;
    this.journal = journal;
    this.drainer = new Drainer(settings, journal, refusedUnits::sum, () -> closed, new SplittableRandom());
    Map<String, DefaultDimension> byName = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    this.dimensionIds = new int[settings.dimensions().size()];
    for (int i = 0; i < dimensionIds.length; i++) {
      String name = settings.dimensions().get(i);
      dimensionIds[i] = journal.dimensionId(name);
      byName.put(name, new DefaultDimension(name, dimensionIds[i], this));
      index.put(name, i);
    }
    this.dimensions = Map.copyOf(byName);
    this.dimensionIndex = Map.copyOf(index);
    this.customers = settings.mode() == MeteringMode.SAAS
        ? Caffeine.newBuilder().maximumSize(settings.maxCachedCustomers()).build()
        : null;
  }

  /** Opens storage and starts the meter; closes what it opened if a later step fails. */
  public static DefaultMeter start(MeterSettings settings) {
    UsageJournal journal = settings.storage().openJournal(settings.journalSettings());
    try {
      if (settings.mode() == MeteringMode.SAAS && !journal.supportsCustomers()) {
        throw new HourmeterException(HourmeterException.Kind.CONFIGURATION, "mode SAAS needs a journal that "
            + "records customers, and " + journal.getClass().getName() + " does not");
      }
      settings.submitter().useJournalId(journal.journalId());
      DefaultMeter meter = new DefaultMeter(settings, journal);
      if (settings.drainerThread()) {
        meter.runner = DrainerRunner.start(meter.drainer, "hourmeter-drainer-" + settings.productCode());
      }
      return meter;
    } catch (RuntimeException | Error e) {
      closeQuietly(journal);
      throw e;
    }
  }

  /** The drainer, for tests that drive it by hand ({@code drainerThread(false)}). */
  public Drainer drainer() {
    return drainer;
  }

  @Override
  public Dimension dimension(String name) {
    Objects.requireNonNull(name, "dimension");
    if (customers != null) {
      throw new IllegalStateException("a SAAS meter records a buyer's usage: use customer(buyer)"
          + ".dimension(\"" + name + "\") or record(buyer, \"" + name + "\", quantity)");
    }
    DefaultDimension dimension = dimensions.get(name);
    if (dimension == null) {
      throw new IllegalArgumentException("unknown dimension '" + name + "'; declared: "
          + settings.dimensions());
    }
    return dimension;
  }

  @Override
  public boolean record(String dimension, long quantity) {
    return dimension(dimension).record(quantity);
  }

  @Override
  public Customer customer(Buyer buyer) {
    Objects.requireNonNull(buyer, "buyer");
    if (customers == null) {
      throw new IllegalStateException("customer(buyer) is for mode SAAS; this meter is " + settings.mode());
    }
    DefaultCustomer cached = customers.getIfPresent(buyer);
    if (cached != null) {
      return cached;
    }
    int id;
    try {
      id = journal.customerId(buyer.key());
    } catch (RuntimeException e) {
      LOG.warn("the journal could not register {}; its units are refused until it can", buyer, e);
      return new DefaultCustomer(buyer, -1, settings.dimensions(), dimensionIds, this);
    }
    // Two threads may both make a handle for a new buyer: the journal gave both the same id.
    return customers.get(buyer, b -> new DefaultCustomer(b, id, settings.dimensions(), dimensionIds, this));
  }

  /**
   * {@inheritDoc}
   *
   * <p>With 100,000 buyers a lookup costs its cache misses, so this reads as few objects as it can: the
   * customer id this meter left in the {@code Buyer} itself ({@link BuyerSlots}) when the application
   * records on a {@code Buyer} it holds; else the handle cache, which then fills the slot.
   */
  @Override
  public boolean record(Buyer buyer, String dimension, long quantity) {
    Objects.requireNonNull(dimension, "dimension");
    int index = dimensionIndex(dimension);
    DefaultDimension.checkQuantity(quantity, dimension, buyer);
    int id = BuyerSlots.customerId(buyer, slotToken);
    if (id < 0) {
      id = ((DefaultCustomer) customer(buyer)).customerId();
      if (id >= 0) {
        BuyerSlots.remember(buyer, slotToken, id);
      }
    }
    return quantity == 0 || append(dimensionIds[index], id, quantity, 0);
  }

  /**
   * The journal's id of a tag set, registered once when an allocation handle is made; -1 (its units
   * refused, as for a buyer the journal cannot register) if the journal cannot register it now.
   */
  int tagSetId(io.hourmeter.Tags tags) {
    try {
      return journal.tagSetId(tags.encoded());
    } catch (RuntimeException e) {
      LOG.warn("the journal could not register tag set [{}]; its units are refused", tags, e);
      return -1;
    }
  }

  /** A declared dimension's index, for a customer's handles. */
  int dimensionIndex(String name) {
    Integer i = dimensionIndex.get(name);
    if (i == null) {
      throw new IllegalArgumentException("unknown dimension '" + name + "'; declared: " + settings.dimensions());
    }
    return i;
  }

  /**
   * The hot path behind every handle: {@code customerId} 0 for the meter's own account, the buyer's id
   * in SAAS mode, or -1 for a buyer the journal could not register (refused); {@code tagSetId} 0 for
   * untagged usage, an id from {@link #tagSetId}, or -1 for a tag set the journal could not register
   * (refused).
   */
  boolean append(int dimensionId, int customerId, long quantity, int tagSetId) {
    if (!closed && customerId >= 0 && tagSetId >= 0
        && journal.append(dimensionId, customerId, quantity, tagSetId)) {
      return true;
    }
    refusedUnits.add(quantity);
    if (closed && !warnedAfterClose.get() && warnedAfterClose.compareAndSet(false, true)) {
      // No background thread is left to tell the ErrorHandler; a caller's thread never runs it.
      LOG.warn("record() called after close(): its units were refused and are counted in "
          + "status().refusedUnits(); this is logged once");
    }
    return false;
  }

  @Override
  public MeterStatus status() {
    return drainer.status();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    boolean partial = settings.shutdownPolicy() == ShutdownPolicy.REPORT_PARTIAL_HOUR;
    boolean stopped = runner == null || runner.stop(settings.closeTimeout());
    if (stopped) {
      drainer.shutdown(partial, deadline);
    } else {
      // A send is stuck past closeTimeout: release the lock and ledger when it returns, and let a
      // meter re-created in this JVM be built now (it drains once the lock is free).
      runner.whenStopped(() -> drainer.release(partial));
      drainer.unclaim();
    }
    closeQuietly(journal);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("closing {} failed", closeable, e);
    }
  }
}
