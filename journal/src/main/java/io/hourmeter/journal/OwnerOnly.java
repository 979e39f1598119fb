package io.hourmeter.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates directories and files that only their owner may read or write (rwx------ / rw-------). */
final class OwnerOnly {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() { }

  /**
   * Creates the directory (and missing parents) owner-only. An existing one is left as it is (its owner
   * chose), with a warning if others may read it: the journal and ledger hold the product's usage.
   *
   * @throws NotDirectoryException naming the path, when it or the nearest existing parent is something
   *                               other than a directory (a regular file, say)
   */
  static Path directory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      if (POSIX && !DIRECTORY.containsAll(Files.getPosixFilePermissions(directory))) {
        LOG.warn("{} is readable or writable by others ({}); Hourmeter creates its directories rwx------",
            directory, PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
      }
      return directory;
    }
    Path blocking = nearestExisting(directory);
    if (blocking != null && !Files.isDirectory(blocking)) {
      throw new NotDirectoryException(blocking.toString());
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

  /** {@code path} or its nearest parent that exists, or null if none does. */
  private static Path nearestExisting(Path path) {
    for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return p;
      }
    }
    return null;
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
