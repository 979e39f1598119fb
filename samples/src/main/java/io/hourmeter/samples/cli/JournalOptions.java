package io.hourmeter.samples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every command shares: the journal directory and the output format. */
final class JournalOptions {

  @Parameters(index = "0", paramLabel = "JOURNAL_DIR",
      description = "The journal directory, as given to MeterBuilder.journalDirectory().")
  Path directory;

  @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
  boolean json;
}
