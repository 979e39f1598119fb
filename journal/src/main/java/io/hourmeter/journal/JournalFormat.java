package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The journal directory's format version, in the file {@value #FILE}, so that during a rolling deploy
 * a process never misreads a directory that a newer version wrote: one that finds a version above
 * {@link #CURRENT} refuses to open the directory, naming both versions.
 *
 * <p>Versions: 1, a single Chronicle queue of 20- and 24-byte records and a ledger whose checkpoint
 * is the first position of the oldest open hour (directories without the file are version 1); 2, the
 * ledger also holds checkpoints of sums ({@code open/*} entries, read only together with a checkpoint
 * inside an open hour). This version reads both and writes {@link #CURRENT} over an older one (a
 * migration that needs no rewrite: a version 1 ledger is a version 2 ledger without sums). A version
 * written before this file existed cannot check it; those versions must not be run on a directory
 * this one has drained (docs/deployment.md).
 *
 * <p>Written like {@link JournalIdentity}: under the directory's lock, to a synced temporary file renamed
 * into place. Stateless; thread-safe.
 */
final class JournalFormat {
  static final String FILE = "journal-format";
  /** The newest format this code reads, and the one it writes. */
  static final int CURRENT = 2;

  private JournalFormat() { }

  /**
   * Checks that this code can read the directory's format, and records {@link #CURRENT} if the
   * directory holds an older one (or none).
   *
   * @throws UncheckedIOException if the directory's format is newer than {@link #CURRENT} (the message
   *                              names both and what to do), or the file cannot be read or written
   */
  static int checkAndUpgrade(Path directory, DirectoryLock lock) {
    Path file = directory.resolve(FILE);
    int found = read(file);
    refuseNewer(directory, found);
    if (found == CURRENT) {
      return found;
    }
    return lock.run(() -> {
      int raced = read(file);
      refuseNewer(directory, raced);
      if (raced == CURRENT) {
        return raced;
      }
      SyncedDirectory.writeLine(directory, FILE, Integer.toString(CURRENT));
      return CURRENT;
    });
  }

  private static void refuseNewer(Path directory, int found) {
    if (found > CURRENT) {
      throw new UncheckedIOException("the journal in " + directory + " has format " + found
          + ", written by a newer Hourmeter; this version reads formats 1.." + CURRENT
          + " and will not open it (it could misread it): run the newer version on this directory",
          new IOException("unsupported journal format " + found));
    }
  }

  /** The version in the file, or 1 if there is none (a directory from before the file existed). */
  static int read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return 1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the journal format in " + file, e);
    }
    if (text.isEmpty()) {
      return 1; // a crash before the rename leaves no file; an empty one is from a torn copy
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UncheckedIOException("the journal format file " + file + " holds '" + text
          + "', not a version number: it was not written by Hourmeter",
          new IOException("unreadable journal format", e));
    }
  }
}
