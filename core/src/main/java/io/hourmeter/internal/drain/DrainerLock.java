package io.hourmeter.internal.drain;

import io.hourmeter.HourmeterException;
import io.hourmeter.HourmeterException.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one drainer of a journal directory with an OS file lock on
 * {@code hourmeter-drainer.lock}. The OS releases it when the holder dies, so another process takes
 * over on its next {@link #tryAcquire()}.
 *
 * <p><b>One lock per directory per JVM.</b> The OS lock is a POSIX record lock: it belongs to the
 * process, and closing <em>any</em> descriptor of the file in the process releases it. So nothing in
 * this JVM may open and close the lock file on the side: every handle, and every {@link #isHeld}
 * probe, shares one channel per directory, kept in a static registry keyed by the directory's real
 * path (so two spellings of one directory are one entry), and the channel is closed only when no
 * handle uses it and this JVM does not hold the lock. Within the JVM the registry, not the OS, says
 * which handle holds it.
 *
 * <p><b>One meter per directory per JVM.</b> {@link #claim} refuses a second claim while the first
 * is not {@link #unclaim() unclaimed} (its meter closed): a second meter in the same JVM could never
 * drain while the first is open, and sharing one silently would hide that the two were built with
 * different settings. A meter whose {@code close()} timed out on a stuck send gives up its claim at
 * once but keeps the lock until the send returns; a meter built meanwhile appends, and drains from
 * its next lock try after that.
 *
 * <p><b>Class loaders.</b> The registry is static, so it is per class loader. Two copies of Hourmeter
 * loaded by two class loaders in one JVM (Spring DevTools' restart class loader beside the old one,
 * application servers) see each other's lock as {@link OverlappingFileLockException}, which this class
 * treats as "held elsewhere" and answers without closing anything, and they cannot see each other's
 * claim. Under DevTools the old context closes its meter before the restarted one builds its own,
 * so this works; if the old meter's close timed out on a stuck send, the restarted meter appends and
 * takes over once the old one releases. The channel of a directory whose lock another class loader
 * was last seen holding is never closed (closing it would drop that loader's lock): one descriptor per
 * such directory stays open until the JVM exits.
 *
 * <p>Thread-safety: thread-safe; every method synchronizes on the registry, and none blocks on I/O
 * longer than opening the lock file.
 */
public final class DrainerLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DrainerLock.class);
  public static final String FILE = "hourmeter-drainer.lock";

  /** Per real directory path, guarded by itself. */
  private static final Map<Path, Shared> REGISTRY = new HashMap<>();

  /** What this class loader knows of one directory's lock. Guarded by {@link #REGISTRY}. */
  private static final class Shared {
    final Path directory;
    final Path file;
    FileChannel channel;
    FileLock lock;
    DrainerLock holder;
    DrainerLock claimant;
    int users;
    boolean heldByAnotherLoader;

    Shared(Path directory) {
      this.directory = directory;
      this.file = directory.resolve(FILE);
    }

    /** Tries the OS lock through the shared channel; {@code null} if another process or loader holds it. */
    FileLock tryOsLock() throws IOException {
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
      try {
        FileLock taken = channel.tryLock();
        heldByAnotherLoader = false;
        return taken;
      } catch (OverlappingFileLockException e) {
        if (!heldByAnotherLoader) {
          LOG.info("the drainer lock {} is held by another class loader in this JVM (another copy of "
              + "Hourmeter); treated as held by another process", file);
        }
        heldByAnotherLoader = true;
        return null;
      }
    }
  }

  private final Shared shared;
  private boolean closed;

  private DrainerLock(Shared shared) {
    this.shared = shared;
  }

  /**
   * A handle on the lock of {@code journalDirectory} (created if absent) for the one meter of this JVM
   * that meters it.
   *
   * @throws HourmeterException if another meter of this JVM (this class loader) claimed the directory
   *                            and is not closed, or the directory cannot be created or resolved
   */
  public static DrainerLock claim(Path journalDirectory) {
    Path key;
    try {
      key = Files.createDirectories(journalDirectory).toRealPath();
    } catch (IOException e) {
      throw new HourmeterException(Kind.STORAGE, "journalDirectory " + journalDirectory
          + ": cannot create or resolve it for the drainer lock: " + e, e);
    }
    synchronized (REGISTRY) {
      Shared shared = REGISTRY.computeIfAbsent(key, Shared::new);
      if (shared.claimant != null) {
        throw new HourmeterException(Kind.CONFIGURATION, "journalDirectory " + journalDirectory
            + (key.equals(journalDirectory) ? "" : " (" + key + ")") + " is already metered by a Meter "
            + "in this JVM that is not closed; use that Meter (one per directory per JVM, it is "
            + "thread-safe), close it first, or give this one another directory");
      }
      DrainerLock handle = new DrainerLock(shared);
      shared.claimant = handle;
      shared.users++;
      return handle;
    }
  }

  /** Takes the lock if it is free; returns whether this handle holds it. Never throws. */
  public boolean tryAcquire() {
    synchronized (REGISTRY) {
      if (closed) {
        return false;
      }
      if (shared.holder != null) {
        // This handle, or another of this JVM (a closed meter whose stuck send has not returned).
        return shared.holder == this;
      }
      try {
        FileLock taken = shared.tryOsLock();
        if (taken == null) {
          return false;
        }
        shared.lock = taken;
        shared.holder = this;
        return true;
      } catch (IOException e) {
        LOG.warn("cannot try the drainer lock {}", shared.file, e);
        return false;
      }
    }
  }

  /**
   * Whether a drainer, in this JVM or another process, holds the lock of {@code journalDirectory}.
   * In this JVM the registry answers; otherwise the lock is tried through the directory's shared
   * channel and released at once if taken, so probing never drops a lock this JVM holds. A missing
   * directory has no drainer.
   */
  public static boolean isHeld(Path journalDirectory) {
    Path key;
    try {
      key = journalDirectory.toRealPath();
    } catch (IOException e) {
      return false;
    }
    synchronized (REGISTRY) {
      Shared shared = REGISTRY.computeIfAbsent(key, Shared::new);
      if (shared.holder != null) {
        return true;
      }
      shared.users++;
      try {
        FileLock probe = shared.tryOsLock();
        if (probe == null) {
          return true;
        }
        probe.release();
        return false;
      } catch (IOException e) {
        LOG.warn("cannot try the drainer lock {}", shared.file, e);
        return false;
      } finally {
        shared.users--;
        forgetIfUnused(shared);
      }
    }
  }

  /** Whether this handle holds the lock. */
  public boolean held() {
    synchronized (REGISTRY) {
      return shared.holder == this;
    }
  }

  /**
   * Gives up this handle's claim on the directory (its meter is closed), so that another meter of
   * this JVM may be built on it; the lock itself, if held, stays held until {@link #close()}.
   */
  public void unclaim() {
    synchronized (REGISTRY) {
      if (shared.claimant == this) {
        shared.claimant = null;
      }
    }
  }

  /** Releases the lock if this handle holds it; the handle may {@link #tryAcquire()} again later. */
  public void release() {
    synchronized (REGISTRY) {
      if (shared.holder != this) {
        return;
      }
      try {
        shared.lock.release();
      } catch (IOException e) {
        LOG.warn("cannot release the drainer lock {}", shared.file, e);
      }
      shared.lock = null;
      shared.holder = null;
    }
  }

  /** Releases the lock if held, and the claim; the handle cannot take the lock again. Idempotent. */
  @Override
  public void close() {
    synchronized (REGISTRY) {
      if (closed) {
        return;
      }
      closed = true;
      unclaim();
      release();
      shared.users--;
      forgetIfUnused(shared);
    }
  }

  /**
   * Closes the shared channel and drops the entry once nothing of this JVM uses it; never while this
   * JVM holds the lock, nor when another class loader was last seen holding it.
   */
  private static void forgetIfUnused(Shared shared) {
    if (shared.users > 0 || shared.holder != null || shared.claimant != null || shared.heldByAnotherLoader) {
      return;
    }
    REGISTRY.remove(shared.directory);
    if (shared.channel != null) {
      try {
        shared.channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}", shared.file, e);
      }
      shared.channel = null;
    }
  }
}
