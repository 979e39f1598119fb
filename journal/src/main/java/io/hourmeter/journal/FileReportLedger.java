package io.hourmeter.journal;

import io.hourmeter.spi.ReportLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report ledger as a chain of segment files in the journal directory, {@code ledger.N.log} for
 * consecutive N, each an append-only log of commit frames ({@link LedgerFrames}: length, CRC32,
 * payload). The state is the replay of the segments in order. A commit is one frame appended to the
 * newest (active) segment and synced with {@code FileChannel.force} before {@code commit} returns, so
 * through {@code kill -9} at any instant a load sees every whole frame and ignores a torn last one: the
 * state after some whole commit, never a part of one.
 *
 * <p><b>Segments and compaction.</b> When the active segment has reached its target size (the live
 * state's size, within 256 KB and 64 MB) the next commit starts a new one. When the oldest segment is
 * mostly garbage, or the ledger takes more than three times the bytes of its live records
 * ({@code compactionDue()}), each commit also copies forward a bounded step of the <em>oldest</em>
 * segment: the records in the next {@code max(512 KB, 8 x the commit)} bytes of it
 * that are still the latest of their key are written, verbatim, as one extra frame just before the
 * commit's own, in the same write and sync. A copy puts values the state already has, so any prefix of
 * it changes nothing, and it lies after every older mention of its keys. Once the oldest segment holds
 * no live record it is deleted; being the oldest, the removes it holds have nothing older left to
 * cancel. Compaction therefore never rewrites the whole state in one go.
 *
 * <p><b>Memory.</b> The writer holds no values: a {@link LedgerIndex} maps each live key to its record
 * (segment, offset, size), which is what compaction needs to tell live records from garbage. Start-up
 * replays the segments once, in big sequential reads, decoding keys only, to build the index; the
 * writer's {@link #load()} reads them once more and decodes only the values the index names.
 *
 * <p><b>Readers.</b> Any other opener (the CLI) gets a read-only ledger whose {@link #load()} replays
 * the files as they are, safe while the writer commits and compacts: it starts at the oldest segment
 * it lists and opens the next by number until there is none; a segment's rest is read once the next
 * exists (the writer starts a segment only after its last commit to the previous one); a segment
 * missing while its predecessor is gone too means compaction ran under the reader, which starts
 * again. Its {@link #commit} throws.
 *
 * <p><b>Older directories.</b> The single-file ledger's generations ({@code ledger.N.log}, one live
 * and possibly an older one left by an interrupted compaction) are segments in this format: the newer
 * starts with a snapshot of the older's final state, so the older replays to nothing live and is
 * deleted at recovery, leaving the newer as the chain.
 *
 * <p>One process writes: the first to open the directory holds {@code ledger.lock} until it closes.
 *
 * <p>Thread-safety: one thread commits (the drainer); {@link #load()} and {@link #diskBytes()} may be
 * called from any thread.
 */
final class FileReportLedger implements ReportLedger {
  /** Every file of the ledger starts with this. */
  static final String FILE_PREFIX = LedgerFiles.PREFIX;
  private static final String LOCK_FILE = "ledger.lock";
  /** Compaction keeps the ledger within this many times its live records (plus a segment). */
  private static final long MAX_DISK_PER_LIVE = 3;
  private static final Logger LOG = LoggerFactory.getLogger(FileReportLedger.class);
  /** Directories (real paths) whose ledger this JVM writes, guarded by itself. */
  private static final Set<Path> WRITERS_IN_THIS_JVM = new HashSet<>();

  /**
   * The sizes that shape segments and compaction steps.
   *
   * @param minSegmentBytes a new segment is started once the active one has at least this many bytes
   *                        and the live state's size
   * @param maxSegmentBytes ... or at most this many
   * @param compactMinBytes no compaction below this many bytes on disk
   * @param minStepBytes    a compaction step scans at least this many bytes of the oldest segment
   * @param stepPerCommit   ... and at least this many times the bytes of the commit it goes with, so
   *                        that compaction outpaces the garbage commits make
   */
  record Tuning(long minSegmentBytes, long maxSegmentBytes, long compactMinBytes, long minStepBytes,
                int stepPerCommit) {
    static final Tuning DEFAULT = new Tuning(256 * 1024, 64 * 1024 * 1024, 256 * 1024, 512 * 1024, 8);
  }

  /** One segment file as the writer knows it. */
  private static final class Segment {
    final int number;
    final Path file;
    /** Bytes of whole frames (the file's length, once recovered). */
    long bytes;
    /** Bytes of the records in it that are the latest of their key. */
    long live;

    Segment(int number, Path file) {
      this.number = number;
      this.file = file;
    }
  }

  private final Path directory;
  private final LedgerFiles files;
  private final FileChannel lockChannel;
  private final FileLock writerLock;
  private final Tuning tuning;
  private final TreeMap<Integer, Segment> segments = new TreeMap<>();
  private final LedgerIndex index = new LedgerIndex();
  private Segment active;
  private FileChannel activeChannel;
  /** The oldest segment's channel while a compaction scans it, and how far it has got. */
  private FileChannel scanChannel;
  private long scanFrom;
  private Segment lastLookedUp;
  private boolean closed;

  private FileReportLedger(Path directory, FileChannel lockChannel, FileLock writerLock, Tuning tuning) {
    this.directory = directory;
    this.files = new LedgerFiles(directory);
    this.lockChannel = lockChannel;
    this.writerLock = writerLock;
    this.tuning = tuning;
  }

  /**
   * Opens the ledger in {@code directory}, as its writer if no other process (and no other ledger of
   * this JVM) writes it.
   */
  static FileReportLedger open(Path directory) {
    return open(directory, Tuning.DEFAULT);
  }

  /** {@link #open(Path)} with other segment and step sizes (tests use small ones). */
  static FileReportLedger open(Path directory, Tuning tuning) {
    Path dir = directory.toAbsolutePath().normalize();
    synchronized (WRITERS_IN_THIS_JVM) {
      try {
        OwnerOnly.directory(dir);
        // By real path: through a symlink, the same directory must be seen as already written by us.
        Path real = dir.toRealPath();
        if (WRITERS_IN_THIS_JVM.contains(real)) {
          // Opening and closing the lock file here would drop this JVM's OS lock on it (POSIX locks
          // belong to the process and go with any of its descriptors), so do not touch it.
          return new FileReportLedger(real, null, null, tuning);
        }
        FileChannel lockChannel = OwnerOnly.open(real.resolve(LOCK_FILE),
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
          lockChannel.close();
          return new FileReportLedger(real, null, null, tuning);
        }
        FileReportLedger ledger = new FileReportLedger(real, lockChannel, lock, tuning);
        try {
          ledger.recoverAsWriter();
        } catch (IOException | RuntimeException e) {
          ledger.closeChannels();
          lockChannel.close();
          throw e;
        }
        WRITERS_IN_THIS_JVM.add(real);
        return ledger;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the report ledger in " + dir, e);
      }
    }
  }

  /**
   * Replays every segment into the index, cuts a torn tail, and finishes what a crash interrupted: an
   * empty new segment and a compacted oldest one are deleted, and so are the temporary files of the
   * single-file ledger's compaction.
   */
  private void recoverAsWriter() throws IOException {
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory,
        LedgerFiles.PREFIX + "*" + LedgerFiles.SUFFIX + ".tmp")) {
      for (Path temp : temps) {
        Files.deleteIfExists(temp);
      }
    }
    TreeSet<Integer> numbers = files.numbers();
    if (numbers.isEmpty()) {
      startSegment(1);
      return;
    }
    LedgerFrames.Visitor visitor = new LedgerFrames.Visitor() {
      @Override
      public void put(byte[] bytes, int keyAt, int keyLength, int valueAt, int valueLength, long at) {
        point(LedgerFrames.string(bytes, keyAt, keyLength), active, at, 8 + keyLength + valueLength);
      }

      @Override
      public void remove(byte[] bytes, int keyAt, int keyLength) {
        unpoint(LedgerFrames.string(bytes, keyAt, keyLength));
      }
    };
    for (int number : numbers) {
      active = new Segment(number, files.fileOf(number));
      segments.put(number, active);
      try (FileChannel channel = FileChannel.open(active.file, StandardOpenOption.READ)) {
        active.bytes = LedgerFrames.replay(channel, 0, visitor);
      }
    }
    while (active.bytes == 0 && segments.size() > 1) {
      // A segment started just before a crash, before its first commit returned.
      Files.deleteIfExists(active.file);
      segments.remove(active.number);
      lastLookedUp = null;
      active = segments.lastEntry().getValue();
    }
    activeChannel = OwnerOnly.open(active.file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    if (activeChannel.size() > active.bytes) {
      activeChannel.truncate(active.bytes);
      activeChannel.force(true);
    }
    deleteDeadOldest();
    SyncedDirectory.sync(directory);
  }

  @Override
  public SortedMap<String, String> load() {
    synchronized (this) {
      if (writerLock != null && !closed) {
        try {
          return SortedSnapshot.of(liveEntries());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot load the report ledger in " + directory, e);
        }
      }
    }
    return SortedSnapshot.of(files.load());
  }

  /**
   * The writer's load: the live records the index names, read in file order (one forward pass per
   * segment that skips garbage), so that garbage costs nothing and no key is looked up.
   */
  private List<Map.Entry<String, String>> liveEntries() throws IOException {
    long[] locations = index.locations();
    Arrays.sort(locations);
    List<Map.Entry<String, String>> live = new ArrayList<>(locations.length);
    int i = 0;
    while (i < locations.length) {
      int number = LedgerIndex.segmentOf(locations[i]);
      Segment segment = segments.get(number);
      FileChannel channel = segment == active ? activeChannel
          : FileChannel.open(segment.file, StandardOpenOption.READ);
      try {
        LedgerFrames.RecordReader records = new LedgerFrames.RecordReader(channel);
        for (; i < locations.length && LedgerIndex.segmentOf(locations[i]) == number; i++) {
          live.add(records.entryAt(LedgerIndex.offsetOf(locations[i])));
        }
      } finally {
        if (segment != active) {
          channel.close();
        }
      }
    }
    return live;
  }

  @Override
  public synchronized void commit(Map<String, String> puts, Set<String> removes) {
    Objects.requireNonNull(puts, "puts");
    Objects.requireNonNull(removes, "removes");
    String[] keys = new String[puts.size()];
    String[] values = new String[puts.size()];
    int count = 0;
    for (Map.Entry<String, String> put : puts.entrySet()) {
      keys[count] = Objects.requireNonNull(put.getKey(), "key");
      String key = keys[count];
      values[count++] = Objects.requireNonNull(put.getValue(), () -> "value of " + key);
    }
    List<String> removedList = new ArrayList<>(removes.size());
    for (String key : removes) {
      Objects.requireNonNull(key, "removed key");
      if (!puts.containsKey(key)) {
        removedList.add(key);
      }
    }
    if (closed) {
      throw new IllegalStateException("report ledger in " + directory + " is closed");
    }
    if (writerLock == null) {
      throw new IllegalStateException("report ledger in " + directory + " is written by another process; "
          + "this one may only load it");
    }
    String[] removed = removedList.toArray(String[]::new);
    int[] recordAt = new int[keys.length];
    ByteBuffer frame = LedgerFrames.encode(keys, values, removed, recordAt);
    startSegmentIfFull();
    CopyStep copy = compactionDue() ? copyStep(frame.capacity()) : null;
    long end = active.bytes;
    long frameAt = end + (copy == null || copy.frame == null ? 0 : copy.frame.capacity());
    try {
      if (frameAt > end) {
        writeFully(activeChannel, copy.frame, end);
      }
      writeFully(activeChannel, frame, frameAt);
      activeChannel.force(false);
    } catch (IOException e) {
      cutBackTo(end, e);
      throw new UncheckedIOException("cannot commit to the report ledger in " + directory, e);
    }
    active.bytes = frameAt + frame.capacity();
    if (copy != null) {
      copy.applyAt(end);
    }
    for (String key : removed) {
      unpoint(key);
    }
    byte[] bytes = frame.array();
    for (int i = 0; i < keys.length; i++) {
      int keyLength = LedgerFrames.getInt(bytes, recordAt[i]);
      int valueLength = LedgerFrames.getInt(bytes, recordAt[i] + 4 + keyLength);
      point(keys[i], active, frameAt + recordAt[i], 8 + keyLength + valueLength);
    }
    deleteDeadOldest();
  }

  /** Makes {@code key}'s latest record the one at {@code at} in {@code segment}. */
  private void point(String key, Segment segment, long at, int recordSize) {
    int slot = index.find(key);
    if (slot >= 0) {
      segment(index.segmentAt(slot)).live -= index.sizeAt(slot);
      index.set(slot, segment.number, at, recordSize);
    } else {
      index.insert(key, segment.number, at, recordSize);
    }
    segment.live += recordSize;
  }

  private void unpoint(String key) {
    int slot = index.find(key);
    if (slot >= 0) {
      segment(index.segmentAt(slot)).live -= index.sizeAt(slot);
      index.removeAt(slot);
    }
  }

  private Segment segment(int number) {
    Segment segment = lastLookedUp;
    if (segment == null || segment.number != number) {
      segment = segments.get(number);
      lastLookedUp = segment;
    }
    return segment;
  }

  /** Starts the next segment if the active one has reached its target size; on failure keeps it. */
  private void startSegmentIfFull() {
    long target = Math.max(tuning.minSegmentBytes(), Math.min(tuning.maxSegmentBytes(), liveBytes()));
    if (active.bytes < target) {
      return;
    }
    FileChannel previous = activeChannel;
    try {
      startSegment(active.number + 1);
    } catch (IOException e) {
      LOG.warn("cannot start a new report ledger segment in {}; appending to the current one", directory, e);
      return;
    }
    try {
      previous.close();
    } catch (IOException ignored) {
      // it was synced after its last commit
    }
  }

  private void startSegment(int number) throws IOException {
    Path file = files.fileOf(number);
    FileChannel channel = OwnerOnly.open(file, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE));
    SyncedDirectory.sync(directory);
    activeChannel = channel;
    active = new Segment(number, file);
    segments.put(number, active);
  }

  /**
   * Whether to copy a step of the oldest segment forward: when it is mostly garbage (a quarter or less
   * live, so that a byte reclaimed costs a third of a byte copied at most), or when the ledger takes
   * more than three times its live records whatever the oldest holds; and, once begun, until the oldest
   * is done. Under retention the oldest segment dies of itself (its reports are removed), so the first
   * rule makes it free; the second bounds the disk when long-lived entries pin the oldest segment.
   */
  private boolean compactionDue() {
    if (segments.size() < 2) {
      return false;
    }
    if (scanFrom > 0) {
      return true;
    }
    long disk = diskBytesOfSegments();
    if (disk <= tuning.compactMinBytes()) {
      return false;
    }
    Segment oldest = segments.firstEntry().getValue();
    return 4 * oldest.live <= oldest.bytes || disk > MAX_DISK_PER_LIVE * liveBytes();
  }

  /**
   * Reads the next step of the oldest segment and gathers its live records into one frame; null if it
   * cannot be read now (compaction is tried again on a later commit).
   */
  private CopyStep copyStep(int commitBytes) {
    Segment oldest = segments.firstEntry().getValue();
    long budget = Math.max(tuning.minStepBytes(), (long) tuning.stepPerCommit() * commitBytes);
    CopyStep step = new CopyStep(oldest);
    try {
      if (scanChannel == null) {
        scanChannel = FileChannel.open(oldest.file, StandardOpenOption.READ);
        scanFrom = 0;
      }
      long scanned = LedgerFrames.replay(scanChannel, scanFrom, scanFrom + budget, step);
      step.scannedTo = scanned;
      step.last = scanned == scanFrom || scanned >= oldest.bytes;
    } catch (IOException e) {
      LOG.warn("cannot read report ledger segment {} to compact it; trying again later", oldest.file, e);
      return null;
    }
    step.seal();
    return step;
  }

  /** The live records of one step of the oldest segment, gathered by replaying it. */
  private final class CopyStep implements LedgerFrames.Visitor {
    private final Segment from;
    private byte[] records = new byte[64 * 1024];
    private int length;
    private final List<String> keys = new ArrayList<>();
    private int[] recordAt = new int[256];
    long scannedTo;
    boolean last;
    ByteBuffer frame;

    CopyStep(Segment from) {
      this.from = from;
    }

    @Override
    public void put(byte[] bytes, int keyAt, int keyLength, int valueAt, int valueLength, long at) {
      String key = LedgerFrames.string(bytes, keyAt, keyLength);
      int slot = index.find(key);
      if (slot < 0 || index.segmentAt(slot) != from.number || index.offsetAt(slot) != at) {
        return;
      }
      int size = 8 + keyLength + valueLength;
      if (length + size > records.length) {
        records = Arrays.copyOf(records, Math.max(2 * records.length, length + size));
      }
      if (keys.size() == recordAt.length) {
        recordAt = Arrays.copyOf(recordAt, 2 * recordAt.length);
      }
      System.arraycopy(bytes, keyAt - 4, records, length, size);
      recordAt[keys.size()] = length;
      keys.add(key);
      length += size;
    }

    @Override
    public void remove(byte[] bytes, int keyAt, int keyLength) {
      // The oldest segment's removes cancel nothing older: they go with it.
    }

    void seal() {
      if (!keys.isEmpty()) {
        frame = LedgerFrames.encodeRecords(records, length, keys.size());
      }
    }

    /** Once the step's frame is durable at {@code frameAt} in the active segment. */
    void applyAt(long frameAt) {
      long first = frameAt + LedgerFrames.HEADER_BYTES + LedgerFrames.PAYLOAD_PREFIX;
      for (int i = 0; i < keys.size(); i++) {
        int size = (i + 1 < keys.size() ? recordAt[i + 1] : length) - recordAt[i];
        point(keys.get(i), active, first + recordAt[i], size);
      }
      scanFrom = scannedTo;
      if (last) {
        closeScan();
        if (from.live != 0) {
          LOG.warn("report ledger segment {} still has {} live bytes after compaction; scanning it again",
              from.file, from.live);
        }
      }
    }
  }

  /** Whether a compaction of the oldest segment is half done (for tests and diagnostics). */
  synchronized boolean compacting() {
    return scanFrom > 0;
  }

  private void closeScan() {
    if (scanChannel != null) {
      try {
        scanChannel.close();
      } catch (IOException ignored) {
        // read-only
      }
      scanChannel = null;
    }
    scanFrom = 0;
  }

  /** Deletes oldest segments that hold nothing live; being oldest, their removes cancel nothing. */
  private void deleteDeadOldest() {
    boolean deleted = false;
    while (segments.size() > 1 && segments.firstEntry().getValue().live == 0) {
      Segment oldest = segments.firstEntry().getValue();
      closeScan();
      try {
        Files.deleteIfExists(oldest.file);
      } catch (IOException e) {
        LOG.warn("cannot delete compacted report ledger segment {}; trying again later", oldest.file, e);
        break;
      }
      segments.remove(oldest.number);
      lastLookedUp = null;
      deleted = true;
    }
    if (deleted) {
      SyncedDirectory.sync(directory);
    }
  }

  /** Undoes a partly written frame, so that later frames are not written after garbage. */
  private void cutBackTo(long end, IOException cause) {
    try {
      activeChannel.truncate(end);
      activeChannel.force(true);
    } catch (IOException e) {
      cause.addSuppressed(e);
      closed = true;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer frame, long position) throws IOException {
    frame.rewind();
    long at = position;
    while (frame.hasRemaining()) {
      at += channel.write(frame, at);
    }
  }

  private long liveBytes() {
    long live = 0;
    for (Segment segment : segments.values()) {
      live += segment.live;
    }
    return live;
  }

  private long diskBytesOfSegments() {
    long bytes = 0;
    for (Segment segment : segments.values()) {
      bytes += segment.bytes;
    }
    return bytes;
  }

  @Override
  public long diskBytes() {
    synchronized (this) {
      if (writerLock != null && !closed) {
        return diskBytesOfSegments();
      }
    }
    return files.diskBytes();
  }

  @Override
  public synchronized void close() {
    if (closed && activeChannel == null && scanChannel == null) {
      return;
    }
    closed = true;
    try {
      closeChannels();
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

  private void closeChannels() throws IOException {
    closeScan();
    if (activeChannel != null) {
      activeChannel.close();
      activeChannel = null;
    }
  }

  @Override
  public String toString() {
    return "FileReportLedger[" + directory + (writerLock == null ? ", read-only" : "") + "]";
  }
}
