package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock over a lock file, held across threads of this JVM (a JVM-wide lock per file) and
 * across processes (an OS file lock), for short critical sections such as registering a dimension.
 * OS file locks are per process, so the in-JVM lock keeps two threads, or two journals on one directory,
 * from asking the OS for the same lock at once.
 *
 * <p>Thread-safety: {@link #run} may be called from any thread.
 */
final class DirectoryLock {
  private static final ConcurrentMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private final Path lockFile;
  private final ReentrantLock inJvm;

  DirectoryLock(Path lockFile) {
    this.lockFile = lockFile.toAbsolutePath().normalize();
    this.inJvm = IN_JVM.computeIfAbsent(this.lockFile, k -> new ReentrantLock());
  }

  /** A critical section that may throw IOException. */
  @FunctionalInterface
  interface Section<T> {
    T run() throws IOException;
  }

  /** Runs {@code section} while holding the lock in this JVM and in the OS. */
  <T> T run(Section<T> section) {
    inJvm.lock();
    try (FileChannel channel = OwnerOnly.open(lockFile,
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE))) {
      FileLock lock = channel.lock();
      try {
        return section.run();
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock or update " + lockFile, e);
    } finally {
      inJvm.unlock();
    }
  }
}
