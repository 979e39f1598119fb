package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A name-to-id registry of a journal directory, one file per kind: {@value #DIMENSIONS} (dimension
 * names) and {@value #CUSTOMERS} (SaaS customer keys, 100,000 and more, not known up front). Ids are 1
 * or more, assigned once, persisted before they are returned, and the same in every process and after
 * every restart. Registering a new name costs the same whatever the file already holds.
 *
 * <p>A file has one line per name, {@code id TAB name}, with backslash, tab, CR and LF in names escaped
 * (the format of the dimension registry since the first release, so old directories read as they
 * were). Lines are only ever appended. Each process remembers how far it has read (the end of its last
 * complete line) and from then on reads only what was appended since, never the whole file again:
 * <ul>
 *   <li>A known name is a {@link ConcurrentHashMap} lookup: no I/O, no lock.</li>
 *   <li>A new name takes the directory's cross-process {@link DirectoryLock}, reads the file's tail that
 *       other processes appended since (a name one of them registered meanwhile gets their id), appends
 *       its line at the end of the last complete line, syncs the file and only then hands the id out.
 *       The lock makes "read the tail, pick the next id, append" atomic across processes, so no two
 *       names share an id and no name gets two.</li>
 *   <li>A torn last line (a process killed mid-write; it has no newline) is never read as an entry, and
 *       the next registration, which holds the lock and so knows that no writer is alive mid-line, cuts
 *       it off and writes over it. Its id was never handed out: that happens only after the sync.</li>
 * </ul>
 *
 * <p>Group commit: a sync costs about 0.3 ms on a quiet machine (2 ms and more under load), far more
 * than the rest of a registration. Threads of one process that register new names at once queue them
 * in {@link #pending}; one of them at a time commits (see {@link #drain}): it takes the lock and writes
 * every name queued so far in one write and one sync, completing them all, while the others wait for
 * their ids without taking the lock, so a burst of N new customers on N threads costs about one sync
 * per round, not N. One thread registering names one after another still pays one sync each: an id is
 * durable before it is returned, as the port requires.
 *
 * <p>Thread-safety: safe for any number of threads and processes.
 */
final class IdRegistry {
  /** The file of the dimension registry. */
  static final String DIMENSIONS = "dimensions.txt";
  /** The file of the customer registry. */
  static final String CUSTOMERS = "customers.txt";
  /** The file of the tag-set registry. */
  static final String TAG_SETS = "tagsets.txt";
  private static final Logger LOG = LoggerFactory.getLogger(IdRegistry.class);
  private static final int READ_CHUNK = 64 * 1024;

  private final Path directory;
  private final Path file;
  /** What the names are, for messages: "dimension", "customer key". */
  private final String what;
  private final DirectoryLock lock;
  private final boolean sync;
  private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Integer, String> keys = new ConcurrentSkipListMap<>();
  /** New names waiting for a writer, each with the future of its id. */
  private final ConcurrentHashMap<String, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
  /** Whether a thread of this registry is committing pending names: the one that syncs for the others. */
  private final AtomicBoolean committing = new AtomicBoolean();
  /** Guards {@link #offset} and {@link #lastId}: the tail is read by one thread at a time. */
  private final ReentrantLock tail = new ReentrantLock();
  /** Bytes of the file read and parsed: the end of the last complete line seen. */
  private long offset;
  /** The highest id in the file as read so far. */
  private int lastId;
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();

  /** The dimension registry of a directory. */
  static IdRegistry dimensions(Path directory, DirectoryLock lock) {
    return new IdRegistry(directory, DIMENSIONS, "dimension", lock, true);
  }

  /** The customer registry of a directory. */
  static IdRegistry customers(Path directory, DirectoryLock lock) {
    return new IdRegistry(directory, CUSTOMERS, "customer key", lock, true);
  }

  /** The tag-set registry of a directory ({@link io.hourmeter.Tags#encoded()} keys). */
  static IdRegistry tagSets(Path directory, DirectoryLock lock) {
    return new IdRegistry(directory, TAG_SETS, "tag set", lock, true);
  }

  /**
   * @param sync false only in tests that count bytes read for 100,000 registrations and must not wait
   *             for 100,000 syncs; a registry in a journal always syncs
   */
  IdRegistry(Path directory, String fileName, String what, DirectoryLock lock, boolean sync) {
    this.directory = directory;
    this.file = directory.resolve(fileName);
    this.what = what;
    this.lock = lock;
    this.sync = sync;
    refresh();
  }

  /**
   * The id of {@code key}, registering it (durably, before returning) if no process has yet.
   *
   * @throws IllegalArgumentException if {@code key} is empty
   * @throws UncheckedIOException     if the file cannot be read or written
   */
  int idOf(String key) {
    Integer id = ids.get(Objects.requireNonNull(key, what));
    if (id != null) {
      return id;
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    CompletableFuture<Integer> mine = pending.computeIfAbsent(key, k -> new CompletableFuture<>());
    drain();
    try {
      return mine.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Commits pending keys until none is left, unless another thread is committing: then that one will
   * see our key (we added it before trying, it checks after it stops committing) and we wait for our
   * future. A failure fails every key pending at the time, so no caller waits for a committer that
   * gave up.
   */
  private void drain() {
    while (!pending.isEmpty() && committing.compareAndSet(false, true)) {
      try {
        lock.run(() -> {
          commitPending();
          return null;
        });
      } catch (RuntimeException | Error e) {
        for (Map.Entry<String, CompletableFuture<Integer>> entry : pending.entrySet()) {
          if (pending.remove(entry.getKey(), entry.getValue())) {
            entry.getValue().completeExceptionally(e);
          }
        }
      } finally {
        committing.set(false);
      }
    }
  }

  /** Names with ids {@code fromId} or more, by id, including ones other processes registered. */
  Map<Integer, String> from(int fromId) {
    refresh();
    return Map.copyOf(keys.tailMap(fromId, true));
  }

  /** Bytes of the file this registry has read since it was created: each byte once. */
  long bytesRead() {
    return bytesRead.get();
  }

  /** Syncs this registry has made: one per batch of new names. */
  long syncs() {
    return syncs.get();
  }

  /** Reads what other processes appended since the last read; needs no lock (it reads only whole lines). */
  private void refresh() {
    tail.lock();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      readTail(channel);
    } catch (NoSuchFileException e) {
      // nothing registered yet
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " registry " + file, e);
    } finally {
      tail.unlock();
    }
  }

  /** Under the directory lock: writes every pending name that the file does not hold yet, in one sync. */
  private void commitPending() throws IOException {
    tail.lock();
    List<String> batchKeys = new ArrayList<>();
    List<CompletableFuture<Integer>> batchFutures = new ArrayList<>();
    int lastIdBefore = -1;
    try (FileChannel channel = OwnerOnly.open(file,
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE))) {
      boolean created = offset == 0 && channel.size() == 0;
      readTail(channel);
      lastIdBefore = lastId;
      StringBuilder lines = new StringBuilder();
      for (Map.Entry<String, CompletableFuture<Integer>> entry : pending.entrySet()) {
        String key = entry.getKey();
        CompletableFuture<Integer> future = entry.getValue();
        Integer known = ids.get(key);
        if (known != null) {
          // Another process (or an earlier batch) registered it: its id, no write.
          future.complete(known);
          pending.remove(key, future);
          continue;
        }
        batchKeys.add(key);
        batchFutures.add(future);
        lines.append(++lastId).append('\t').append(escape(key)).append('\n');
      }
      if (batchKeys.isEmpty()) {
        return;
      }
      byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
      if (channel.size() > offset) {
        // A torn line of a process killed mid-write: we hold the lock, so no one is still writing it.
        channel.truncate(offset);
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long position = offset;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      if (sync) {
        channel.force(false);
        if (created) {
          SyncedDirectory.sync(directory);
        }
        syncs.incrementAndGet();
      }
      offset = position;
      for (int i = 0; i < batchKeys.size(); i++) {
        int id = lastIdBefore + 1 + i;
        keys.put(id, batchKeys.get(i));
        ids.put(batchKeys.get(i), id);
        batchFutures.get(i).complete(id);
        pending.remove(batchKeys.get(i), batchFutures.get(i));
      }
    } catch (IOException | RuntimeException e) {
      // Nothing of this batch was handed out. What reached the file anyway is read back, as any other
      // process's lines, by the next registration here or there.
      if (lastIdBefore >= 0) {
        lastId = lastIdBefore;
      }
      UncheckedIOException failure = e instanceof UncheckedIOException u ? u
          : new UncheckedIOException("cannot register a " + what + " in " + file,
              e instanceof IOException io ? io : new IOException(e));
      for (int i = 0; i < batchKeys.size(); i++) {
        pending.remove(batchKeys.get(i), batchFutures.get(i));
        batchFutures.get(i).completeExceptionally(failure);
      }
      throw failure;
    } finally {
      tail.unlock();
    }
  }

  /**
   * Reads the complete lines between {@link #offset} and the end of the file, in chunks, moving
   * {@link #offset} past each as it is taken (so a failed read resumes where it stopped). A last line
   * without its newline is left unread. Called with
   * {@link #tail} held.
   */
  private void readTail(FileChannel channel) throws IOException {
    long end = channel.size();
    if (end <= offset) {
      return;
    }
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(READ_CHUNK, end - offset));
    byte[] line = new byte[256];
    int lineLength = 0;
    long position = offset;
    long lineStart = offset;
    while (position < end) {
      chunk.clear();
      chunk.limit((int) Math.min(chunk.capacity(), end - position));
      int read = channel.read(chunk, position);
      if (read <= 0) {
        break;
      }
      bytesRead.addAndGet(read);
      byte[] array = chunk.array();
      for (int i = 0; i < read; i++) {
        byte b = array[i];
        if (b == '\n') {
          accept(line, lineLength, lineStart);
          lineLength = 0;
          lineStart = position + i + 1;
          offset = lineStart;
        } else {
          if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
          }
          line[lineLength++] = b;
        }
      }
      position += read;
    }
  }

  /** Takes one complete line as an entry; a line that is not one is skipped with a warning. */
  private void accept(byte[] line, int length, long at) {
    int tab = -1;
    for (int i = 0; i < length; i++) {
      if (line[i] == '\t') {
        tab = i;
        break;
      }
    }
    int id = -1;
    if (tab > 0 && tab <= 10) {
      long parsed = 0;
      for (int i = 0; i < tab; i++) {
        int digit = line[i] - '0';
        if (digit < 0 || digit > 9) {
          parsed = -1;
          break;
        }
        parsed = parsed * 10 + digit;
      }
      id = parsed > 0 && parsed <= Integer.MAX_VALUE ? (int) parsed : -1;
    }
    if (id < 0 || tab == length - 1) {
      LOG.warn("Skipping a malformed line at byte {} of the {} registry {}", at, what, file);
      return;
    }
    String key = unescape(new String(line, tab + 1, length - tab - 1, StandardCharsets.UTF_8));
    Integer existing = ids.putIfAbsent(key, id);
    if (existing != null) {
      LOG.warn("The {} registry {} lists a name again at byte {} (as id {}, first as {}); the first holds",
          what, file, at, id, existing);
      return;
    }
    if (keys.putIfAbsent(id, key) != null) {
      ids.remove(key, id);
      LOG.warn("The {} registry {} lists id {} again at byte {}; the first holds", what, file, id, at);
      return;
    }
    lastId = Math.max(lastId, id);
  }

  /** The file's path, for tests. */
  Path file() {
    return file;
  }

  static String escape(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String unescape(String escaped) {
    StringBuilder out = new StringBuilder(escaped.length());
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '\\' && i + 1 < escaped.length()) {
        char next = escaped.charAt(++i);
        out.append(switch (next) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
