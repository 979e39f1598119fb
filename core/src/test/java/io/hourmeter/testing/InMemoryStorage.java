package io.hourmeter.testing;

import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * In-memory journals and ledgers, kept per directory for this object's life, so a test can close a
 * meter and build another on the same directory to see what survives a restart.
 */
public final class InMemoryStorage implements StorageProvider {
  private final Map<Path, InMemoryUsageJournal.State> journals = new HashMap<>();
  private final Map<Path, TreeMap<String, String>> ledgers = new HashMap<>();

  @Override
  public synchronized UsageJournal openJournal(JournalSettings settings) {
    Path key = settings.directory().toAbsolutePath();
    return new InMemoryUsageJournal(settings, journals.computeIfAbsent(key, k -> new InMemoryUsageJournal.State()));
  }

  @Override
  public synchronized ReportLedger openLedger(Path directory) {
    return new InMemoryReportLedger(ledgers.computeIfAbsent(directory.toAbsolutePath(), k -> new TreeMap<>()));
  }
}
