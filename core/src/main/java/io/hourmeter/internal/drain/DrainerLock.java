package io.hourmeter.internal.drain;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one drainer of a journal directory with an OS file lock on
 * {@code hourmeter-drainer.lock}. The OS releases it when the holder dies, so another process takes
 * over on its next {@link #tryAcquire()}. Two meters in one JVM are told apart by
 * {@link OverlappingFileLockException}. Not thread-safe: the drainer thread owns it.
 */
public final class DrainerLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DrainerLock.class);
  public static final String FILE = "hourmeter-drainer.lock";

  private final Path file;
  private FileChannel channel;
  private FileLock lock;

  public DrainerLock(Path journalDirectory) {
    this.file = journalDirectory.resolve(FILE);
  }

  /** Takes the lock if it is free; returns whether this object holds it. Never throws. */
  public boolean tryAcquire() {
    if (lock != null) {
      return true;
    }
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      LOG.warn("cannot try the drainer lock {}", file, e);
      lock = null;
    }
    if (lock == null) {
      closeChannel();
    }
    return lock != null;
  }

  /** Whether a lock is held by anyone, judged by trying it (and releasing at once if taken). */
  public static boolean isHeld(Path journalDirectory) {
    DrainerLock probe = new DrainerLock(journalDirectory);
    if (probe.tryAcquire()) {
      probe.close();
      return false;
    }
    return true;
  }

  public boolean held() {
    return lock != null;
  }

  /** Releases the lock if held. */
  @Override
  public void close() {
    if (lock != null) {
      try {
        lock.release();
      } catch (IOException e) {
        LOG.warn("cannot release the drainer lock {}", file, e);
      }
      lock = null;
    }
    closeChannel();
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}", file, e);
      }
      channel = null;
    }
  }
}
