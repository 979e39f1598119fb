package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The per-journal random id, in the file {@value #FILE}. It is created once, under the directory's lock
 * so that two processes opening a new directory at once agree on one id, and written to a temporary
 * file that is synced and renamed into place, so that a crash leaves either no id or a whole one.
 */
final class JournalIdentity {
  static final String FILE = "journal-id";
  private static final SecureRandom RANDOM = new SecureRandom();

  private JournalIdentity() { }

  /** Reads the id, creating it first if the directory has none. */
  static String readOrCreate(Path directory, DirectoryLock lock) {
    Path file = directory.resolve(FILE);
    String existing = readIfPresent(file);
    if (existing != null) {
      return existing;
    }
    return lock.run(() -> {
      String raced = readIfPresent(file);
      if (raced != null) {
        return raced;
      }
      byte[] random = new byte[16];
      RANDOM.nextBytes(random);
      String id = HexFormat.of().formatHex(random);
      SyncedDirectory.writeLine(directory, FILE, id);
      return id;
    });
  }

  private static String readIfPresent(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return text.isEmpty() ? null : text;
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the journal id in " + file, e);
    }
  }
}
