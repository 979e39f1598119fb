package io.hourmeter.samples.cli;

import io.hourmeter.spi.StorageProvider;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options every command shares: the journal directory and the output format, and the storage the
 * directory is opened with ({@code null}: the one {@link java.util.ServiceLoader} finds, hourmeter-journal;
 * tests hand in another through {@link HourmeterCli#run(StorageProvider, java.io.PrintWriter,
 * java.io.PrintWriter, String...)}).
 */
final class JournalOptions {

  @Parameters(index = "0", paramLabel = "JOURNAL_DIR",
      description = "The journal directory, as given to MeterBuilder.journalDirectory().")
  Path directory;

  @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
  boolean json;

  final StorageProvider storage;

  JournalOptions() {
    this(null);
  }

  JournalOptions(StorageProvider storage) {
    this.storage = storage;
  }
}
