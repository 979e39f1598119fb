package io.hourmeter.journal;

import io.hourmeter.spi.ReportLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The report ledger as an append-only log of commits in the journal directory, one frame per commit
 * ({@link LedgerFrames}: length, CRC32, payload), each synced with {@code FileChannel.force} before
 * {@code commit} returns. A commit is one frame, so through {@code kill -9} at any instant a load sees
 * every whole frame and ignores a torn last one: the state after some whole commit, never a part of one.
 *
 * <p>Compaction keeps the log short: when it has grown to several times the live state, the live
 * state is written as the single frame of the next generation's file ({@code ledger.N.log}) under a
 * temporary name, synced, and renamed into place; then the older generation is deleted. A loader
 * always reads the newest generation, which is whole from the moment it has its name.
 *
 * <p>Why not a Chronicle queue: the ledger needs a small, rewritable, exactly-synced map, read whole at
 * start and by the CLI, whereas Chronicle is built for a high rate of append-only messages with
 * page-cache durability; an fsynced log of a few kilobytes is simpler to make crash-safe and to inspect.
 *
 * <p>One process writes: the first to open the directory holds {@code ledger.lock} until it closes.
 * Any other opener (the CLI) gets a read-only ledger whose {@link #load()} reads the files afresh and is
 * safe while the writer commits; its {@link #commit} throws.
 *
 * <p>Thread-safety: one thread commits (the drainer); {@link #load()} and {@link #diskBytes()} may be
 * called from any thread.
 */
final class FileReportLedger implements ReportLedger {
  /** Every file of the ledger starts with this. */
  static final String FILE_PREFIX = "ledger.";
  private static final String PREFIX = FILE_PREFIX;
  private static final String SUFFIX = ".log";
  private static final String LOCK_FILE = "ledger.lock";
  /** Compact once the log exceeds this many bytes and {@link #COMPACT_RATIO} times the live state. */
  private static final long COMPACT_MIN_BYTES = 256 * 1024;
  private static final long COMPACT_RATIO = 4;
  private static final int LOAD_ATTEMPTS = 20;
  /** Directories whose ledger this JVM writes, guarded by itself. */
  private static final Set<Path> WRITERS_IN_THIS_JVM = new HashSet<>();

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock writerLock;
  private final TreeMap<String, String> state = new TreeMap<>();
  private FileChannel log;
  private long generation;
  private long logBytes;
  private long snapshotBytes;
  private boolean closed;

  private FileReportLedger(Path directory, FileChannel lockChannel, FileLock writerLock) {
    this.directory = directory;
    this.lockChannel = lockChannel;
    this.writerLock = writerLock;
  }

  /**
   * Opens the ledger in {@code directory}, as its writer if no other process (and no other ledger of
   * this JVM) writes it.
   */
  static FileReportLedger open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    synchronized (WRITERS_IN_THIS_JVM) {
      try {
        OwnerOnly.directory(dir);
        if (WRITERS_IN_THIS_JVM.contains(dir)) {
          // Opening and closing the lock file here would drop this JVM's OS lock on it (POSIX locks
          // belong to the process and go with any of its descriptors), so do not touch it.
          return new FileReportLedger(dir, null, null);
        }
        FileChannel lockChannel = OwnerOnly.open(dir.resolve(LOCK_FILE),
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
          lockChannel.close();
          return new FileReportLedger(dir, null, null);
        }
        FileReportLedger ledger = new FileReportLedger(dir, lockChannel, lock);
        try {
          ledger.recoverAsWriter();
        } catch (IOException | RuntimeException e) {
          lockChannel.close();
          throw e;
        }
        WRITERS_IN_THIS_JVM.add(dir);
        return ledger;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the report ledger in " + dir, e);
      }
    }
  }

  /** Loads the newest generation, cuts a torn tail, and removes what an interrupted compaction left. */
  private void recoverAsWriter() throws IOException {
    TreeSet<Long> generations = generations();
    if (generations.isEmpty()) {
      generation = 1;
      log = OwnerOnly.open(fileOf(generation), Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE));
      SyncedDirectory.sync(directory);
    } else {
      generation = generations.last();
      log = OwnerOnly.open(fileOf(generation), Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    }
    logBytes = LedgerFrames.replay(log, state);
    if (log.size() > logBytes) {
      log.truncate(logBytes);
      log.force(true);
    }
    snapshotBytes = LedgerFrames.encode(state, Set.of()).capacity();
    for (long older : generations.headSet(generation)) {
      Files.deleteIfExists(fileOf(older));
    }
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX + ".tmp")) {
      for (Path temp : temps) {
        Files.deleteIfExists(temp);
      }
    }
  }

  @Override
  public SortedMap<String, String> load() {
    synchronized (this) {
      if (writerLock != null && !closed) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(state));
      }
    }
    return Collections.unmodifiableSortedMap(loadFromFiles());
  }

  /** Reads the newest generation as it is now; retries if compaction removes it under our feet. */
  private TreeMap<String, String> loadFromFiles() {
    IOException last = null;
    for (int attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      TreeSet<Long> generations;
      try {
        generations = generations();
      } catch (IOException e) {
        last = e;
        continue;
      }
      if (generations.isEmpty()) {
        return new TreeMap<>();
      }
      try (FileChannel channel = FileChannel.open(fileOf(generations.last()), StandardOpenOption.READ)) {
        TreeMap<String, String> loaded = new TreeMap<>();
        LedgerFrames.replay(channel, loaded);
        return loaded;
      } catch (NoSuchFileException compacted) {
        last = compacted;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException("cannot load the report ledger in " + directory, last);
  }

  @Override
  public synchronized void commit(Map<String, String> puts, Set<String> removes) {
    Objects.requireNonNull(puts, "puts");
    Objects.requireNonNull(removes, "removes");
    puts.forEach((key, value) -> {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, () -> "value of " + key);
    });
    removes.forEach(key -> Objects.requireNonNull(key, "removed key"));
    if (closed) {
      throw new IllegalStateException("report ledger in " + directory + " is closed");
    }
    if (writerLock == null) {
      throw new IllegalStateException("report ledger in " + directory + " is written by another process; "
          + "this one may only load it");
    }
    ByteBuffer frame = LedgerFrames.encode(puts, removes);
    long end = logBytes;
    try {
      writeFully(log, frame, end);
      log.force(false);
    } catch (IOException e) {
      cutBackTo(end, e);
      throw new UncheckedIOException("cannot commit to the report ledger in " + directory, e);
    }
    logBytes = end + frame.capacity();
    for (String key : removes) {
      if (!puts.containsKey(key)) {
        state.remove(key);
      }
    }
    state.putAll(puts);
    if (logBytes > COMPACT_MIN_BYTES && logBytes > COMPACT_RATIO * snapshotBytes) {
      compact();
    }
  }

  /** Undoes a partly written frame, so that later frames are not written after garbage. */
  private void cutBackTo(long end, IOException cause) {
    try {
      log.truncate(end);
      log.force(true);
    } catch (IOException e) {
      cause.addSuppressed(e);
      closed = true;
    }
  }

  private void compact() {
    long next = generation + 1;
    Path target = fileOf(next);
    Path temp = directory.resolve(target.getFileName() + ".tmp");
    ByteBuffer snapshot = LedgerFrames.encode(state, Set.of());
    try {
      FileChannel compacted = OwnerOnly.open(temp, Set.of(StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE));
      try {
        writeFully(compacted, snapshot, 0);
        compacted.force(true);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        SyncedDirectory.sync(directory);
      } catch (IOException | RuntimeException e) {
        compacted.close();
        Files.deleteIfExists(temp);
        throw e;
      }
      FileChannel old = log;
      long oldGeneration = generation;
      log = compacted;
      generation = next;
      logBytes = snapshot.capacity();
      snapshotBytes = logBytes;
      old.close();
      Files.deleteIfExists(fileOf(oldGeneration));
      SyncedDirectory.sync(directory);
    } catch (IOException e) {
      // The log is still whole and current; compaction will be tried again after a later commit.
      snapshotBytes = logBytes;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer frame, long position) throws IOException {
    frame.rewind();
    long at = position;
    while (frame.hasRemaining()) {
      at += channel.write(frame, at);
    }
  }

  @Override
  public long diskBytes() {
    synchronized (this) {
      if (writerLock != null && !closed) {
        return logBytes;
      }
    }
    try {
      TreeSet<Long> generations = generations();
      return generations.isEmpty() ? 0 : Files.size(fileOf(generations.last()));
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public synchronized void close() {
    if (closed && log == null) {
      return;
    }
    closed = true;
    try {
      if (log != null) {
        log.close();
        log = null;
      }
      if (lockChannel != null) {
        synchronized (WRITERS_IN_THIS_JVM) {
          lockChannel.close();
          WRITERS_IN_THIS_JVM.remove(directory);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the report ledger in " + directory, e);
    }
  }

  private Path fileOf(long generation) {
    return directory.resolve(PREFIX + String.format("%012d", generation) + SUFFIX);
  }

  private TreeSet<Long> generations() throws IOException {
    TreeSet<Long> generations = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String number = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        if (!number.isEmpty() && number.chars().allMatch(Character::isDigit)) {
          generations.add(Long.parseLong(number));
        }
      }
    } catch (NoSuchFileException e) {
      return generations;
    }
    return generations;
  }

  @Override
  public String toString() {
    return "FileReportLedger[" + directory + (writerLock == null ? ", read-only" : "") + "]";
  }
}
