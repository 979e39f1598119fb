package io.hourmeter.samples.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** How the CLI recognises a Hourmeter journal directory without opening (or creating) anything in it. */
final class JournalLayout {
  /** A file every Hourmeter journal directory holds. */
  static final String MARKER = "journal-id";

  private JournalLayout() { }

  static boolean isJournal(Path directory) {
    return Files.isRegularFile(directory.resolve(MARKER));
  }
}
