package io.hourmeter.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Creates directories and files that only their owner may read or write (rwx------ / rw-------). */
final class OwnerOnly {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() { }

  /** Creates the directory (and missing parents) owner-only; an existing one is left as it is. */
  static Path directory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return directory;
    }
    if (POSIX) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
      // The umask may have taken bits away, never added them; make the owner's bits certain.
      Files.setPosixFilePermissions(directory, DIRECTORY);
    } else {
      Files.createDirectories(directory);
    }
    return directory;
  }

  /** Opens a file, creating it owner-only if absent. */
  static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
    if (POSIX) {
      FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(FILE);
      return FileChannel.open(file, options, ownerOnly);
    }
    return FileChannel.open(file, options);
  }
}
