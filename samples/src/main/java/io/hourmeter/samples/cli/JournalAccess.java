package io.hourmeter.samples.cli;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Opens an existing journal directory for inspection, after checking that it is one: a missing,
 * unreadable or foreign directory is a {@link CliFailure} with one clear line, and nothing is created
 * in it. Single-threaded: one command opens, uses and closes it.
 */
final class JournalAccess implements AutoCloseable {
  private final Path directory;
  private final UsageJournal journal;

  private JournalAccess(Path directory, UsageJournal journal) {
    this.directory = directory;
    this.journal = journal;
  }

  static JournalAccess open(Path directory) {
    Path dir = check(directory);
    StorageProvider storage = ServiceLoader.load(StorageProvider.class, JournalAccess.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new CliFailure(HourmeterCli.UNEXPECTED,
            "no io.hourmeter.spi.StorageProvider on the class path (hourmeter-journal is missing)"));
    // The free-space guard only matters for appends, which inspection never makes.
    UsageJournal journal = storage.openJournal(new JournalSettings(dir, InstantSource.system(), 0,
        FreeSpaceProbe.fileSystem()));
    return new JournalAccess(dir, journal);
  }

  /** Checks that {@code directory} exists and holds a Hourmeter journal; returns its absolute path. */
  static Path check(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.exists(dir)) {
      throw new CliFailure("no such directory: " + dir);
    }
    if (!Files.isDirectory(dir)) {
      throw new CliFailure("not a directory: " + dir);
    }
    if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      throw new CliFailure("cannot read " + dir + " (the journal is owner-only: run as its owner)");
    }
    if (!JournalLayout.isJournal(dir)) {
      throw new CliFailure("not a Hourmeter journal directory: " + dir + " (" + describe(dir) + ")");
    }
    return dir;
  }

  private static String describe(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      long count = entries.count();
      return count == 0 ? "it is empty" : "it holds " + count + " entries but no " + JournalLayout.MARKER;
    } catch (IOException e) {
      return "cannot list it: " + e.getMessage();
    }
  }

  Path directory() {
    return directory;
  }

  UsageJournal journal() {
    return journal;
  }

  @Override
  public void close() {
    journal.close();
  }
}
