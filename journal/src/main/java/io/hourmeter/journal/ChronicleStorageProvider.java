package io.hourmeter.journal;

import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import java.nio.file.Path;

/**
 * The journal and ledger of hourmeter-journal: {@link ChronicleUsageJournal} and the file ledger beside
 * it. Registered for {@link java.util.ServiceLoader}, so that {@code Meter.builder()} finds it when the
 * jar is on the class path.
 *
 * <p>Thread-safety: stateless.
 */
public final class ChronicleStorageProvider implements StorageProvider {

  /** For ServiceLoader. */
  public ChronicleStorageProvider() { }

  @Override
  public UsageJournal openJournal(JournalSettings settings) {
    return ChronicleUsageJournal.open(settings);
  }

  @Override
  public ReportLedger openLedger(Path directory) {
    return FileReportLedger.open(directory);
  }
}
