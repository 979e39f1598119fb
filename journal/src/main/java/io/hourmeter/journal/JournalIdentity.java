package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

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
      Path temp = directory.resolve(FILE + ".tmp");
      try (FileChannel channel = OwnerOnly.open(temp, Set.of(StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
        channel.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      SyncedDirectory.sync(directory);
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
