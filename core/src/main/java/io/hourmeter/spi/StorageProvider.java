package io.hourmeter.spi;

import java.nio.file.Path;

/**
 * Opens the journal and ledger of a directory. {@link io.hourmeter.MeterBuilder} finds the provider
 * with {@link java.util.ServiceLoader} when none is set, so that adding hourmeter-journal to the class
 * path is all a user does.
 */
public interface StorageProvider {

  /**
   * Opens (creating if absent) the journal.
   *
   * @throws IllegalStateException with the exact JVM flags to add, if the JVM lacks ones the
   *                               journal needs
   * @throws java.io.UncheckedIOException for any storage failure (the directory cannot be created,
   *                               read or written); {@code build()} reports it as a
   *                               {@link io.hourmeter.HourmeterException} of kind STORAGE naming
   *                               {@code journalDirectory}
   */
  UsageJournal openJournal(JournalSettings settings);

  /** Opens (creating if absent) the report ledger kept beside the journal in {@code directory}. */
  ReportLedger openLedger(Path directory);
}
