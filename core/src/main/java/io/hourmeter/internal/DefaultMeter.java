package io.hourmeter.internal;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
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
 * waits for a recovery. Internal: not a supported API.
 */
public final class DefaultMeter implements Meter {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultMeter.class);

  private final MeterSettings settings;
  private final UsageJournal journal;
  private final Map<String, DefaultDimension> dimensions;
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
    for (String name : settings.dimensions()) {
      byName.put(name, new DefaultDimension(name, journal.dimensionId(name), this));
    }
    this.dimensions = Map.copyOf(byName);
  }

  /** Opens storage and starts the meter; closes what it opened if a later step fails. */
  public static DefaultMeter start(MeterSettings settings) {
    UsageJournal journal = settings.storage().openJournal(settings.journalSettings());
    try {
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

  /** The hot path behind every handle. */
  boolean append(int dimensionId, long quantity) {
    if (!closed && journal.append(dimensionId, quantity, 0)) {
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
