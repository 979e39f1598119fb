package io.hourmeter.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Makes a rename or a new file in a directory durable by syncing the directory itself. */
final class SyncedDirectory {
  private SyncedDirectory() { }

  /**
   * Writes a one-line file so that a crash leaves either the old file (or none) or the whole new one:
   * an owner-only temporary file, synced, renamed into place, and the directory synced.
   */
  static void writeLine(Path directory, String fileName, String line) throws IOException {
    Path temp = directory.resolve(fileName + ".tmp");
    try (FileChannel channel = OwnerOnly.open(temp, Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
      channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
      channel.force(true);
    }
    Files.move(temp, directory.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
    sync(directory);
  }

  static void sync(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open or sync a directory; the rename is still atomic there.
    }
  }
}
