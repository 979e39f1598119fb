package io.hourmeter.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes a rename or a new file in a directory durable by syncing the directory itself. */
final class SyncedDirectory {
  private SyncedDirectory() { }

  static void sync(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open or sync a directory; the rename is still atomic there.
    }
  }
}
