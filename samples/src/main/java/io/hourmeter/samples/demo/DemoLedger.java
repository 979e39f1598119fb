package io.hourmeter.samples.demo;

import io.hourmeter.internal.inspect.JournalInspection;
import io.hourmeter.samples.support.JournalSums;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Reads the demo's books from its journal directory once the metering process has exited: the units
 * the journal holds per usage key (dimension, and buyer in SaaS mode) and hour (summed here, straight
 * from the records) and every report in the ledger (through the read-only inspection view).
 */
final class DemoLedger {
  record Snapshot(Map<UsageKey, Map<Long, Long>> recorded, List<UsageReport> reports) { }

  private DemoLedger() { }

  static Snapshot read(Path journalDirectory) {
    StorageProvider storage = ServiceLoader.load(StorageProvider.class, DemoLedger.class.getClassLoader())
        .findFirst().orElseThrow(() -> new IllegalStateException("hourmeter-journal is not on the class path"));
    Map<UsageKey, Map<Long, Long>> recorded;
    try (UsageJournal journal = storage.openJournal(new JournalSettings(journalDirectory, InstantSource.system(), 0,
        d -> Long.MAX_VALUE))) {
      recorded = JournalSums.byKey(journal);
    }
    try (JournalInspection inspection = JournalInspection.open(journalDirectory, storage)) {
      return new Snapshot(recorded, inspection.reports().stream().map(JournalInspection.ReportView::report).toList());
    }
  }
}
