package io.hourmeter.internal;

import io.hourmeter.Dimension;
import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.UsageJournal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meter: dimension handles over the journal on the hot path, and the drainer behind it.
 * Internal: not a supported API.
 */
public final class DefaultMeter implements Meter {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultMeter.class);

  private final MeterSettings settings;
  private final UsageJournal journal;
  private final ReportLedger ledger;
  private final Map<String, DefaultDimension> dimensions;
  private final LongAdder refusedUnits = new LongAdder();
  private final LongAdder refusedAfterClose = new LongAdder();
  private volatile boolean closed;

  private DefaultMeter(MeterSettings settings, UsageJournal journal, ReportLedger ledger) {
    this.settings = settings;
    this.journal = journal;
    this.ledger = ledger;
    Map<String, DefaultDimension> byName = new HashMap<>();
    for (String name : settings.dimensions()) {
      byName.put(name, new DefaultDimension(name, journal.dimensionId(name), this));
    }
    this.dimensions = Map.copyOf(byName);
  }

  /** Opens storage and starts the meter; closes what it opened if a later step fails. */
  public static DefaultMeter start(MeterSettings settings) {
    UsageJournal journal = settings.storage().openJournal(settings.journalSettings());
    ReportLedger ledger = null;
    try {
      ledger = settings.storage().openLedger(settings.journalDirectory());
      return new DefaultMeter(settings, journal, ledger);
    } catch (RuntimeException | Error e) {
      closeQuietly(ledger);
      closeQuietly(journal);
      throw e;
    }
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
    if (closed) {
      refusedAfterClose.add(quantity);
    }
    return false;
  }

  MeterSettings settings() {
    return settings;
  }

  UsageJournal journal() {
    return journal;
  }

  ReportLedger ledger() {
    return ledger;
  }

  long refusedUnits() {
    return refusedUnits.sum();
  }

  @Override
  public MeterStatus status() {
    throw new UnsupportedOperationException("status() arrives with the drainer");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(journal);
    closeQuietly(ledger);
    long refused = refusedAfterClose.sum();
    if (refused > 0) {
      settings.errorHandler().onError(new HourmeterException(HourmeterException.Kind.RECORD_AFTER_CLOSE,
          refused + " units recorded after close() were refused"));
    }
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
