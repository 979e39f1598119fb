package io.hourmeter.samples.cli;

import io.hourmeter.internal.inspect.JournalInspection;
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
 * in it. Nothing here takes the drainer lock or commits to the ledger.
 */
final class JournalAccess {
  private JournalAccess() { }

  /** The directory's journal, for reading records ({@code dump}). */
  static UsageJournal openJournal(JournalOptions options) {
    Path dir = check(options.directory);
    StorageProvider storage = storage(options);
    // The free-space guard only matters for appends, which inspection never makes.
    return opening(() -> storage.openJournal(new JournalSettings(dir, InstantSource.system(), 0,
        d -> Long.MAX_VALUE)));
  }

  /** The directory's ledger and journal, read-only, through the drainer's inspection view. */
  static JournalInspection inspect(JournalOptions options) {
    Path dir = check(options.directory);
    StorageProvider storage = storage(options);
    return opening(() -> JournalInspection.open(dir, storage));
  }

  private static StorageProvider storage(JournalOptions options) {
    if (options.storage != null) {
      return options.storage;
    }
    return ServiceLoader.load(StorageProvider.class, JournalAccess.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new CliFailure(HourmeterCli.UNEXPECTED,
            "no io.hourmeter.spi.StorageProvider on the class path (hourmeter-journal is missing)"));
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

  private static <T> T opening(java.util.function.Supplier<T> open) {
    try {
      return open.get();
    } catch (IllegalStateException e) {
      // Missing JVM flags: the message lists them; keep it to the first line.
      throw new CliFailure(HourmeterCli.UNEXPECTED, e.getMessage().lines().findFirst().orElse("")
          + " (run the CLI with bin/hourmeter, which adds the JVM flags)");
    }
  }

  private static String describe(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      long count = entries.count();
      return count == 0 ? "it is empty" : "it holds " + count + " entries but no " + JournalLayout.MARKER;
    } catch (IOException e) {
      return "cannot list it: " + e.getMessage();
    }
  }
}
