package io.hourmeter.journal;

import io.hourmeter.journal.internal.RawJournalQueue;
import io.hourmeter.journal.internal.RecordCodec;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.UsageJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage journal on Chronicle Queue: one cycle file per hour ({@code FAST_HOURLY}) on the injected
 * clock, each record a fixed 16-byte payload behind Chronicle's 4-byte header (20 bytes a record), or,
 * for a record of a SaaS customer, a 20-byte payload with the customer id (24 bytes a record); see
 * {@link RecordCodec}. Dimensions, customers and tag sets get their stable ids from three {@link IdRegistry}s in
 * the directory.
 *
 * <p>Positions are Chronicle indices: the cycle (the epoch hour) in the high 32 bits and the sequence
 * within the hour in the low 32, so they order by hour and then by append, and
 * {@link #firstPositionOfHour} is the index of an hour's sequence 0.
 *
 * <p>Hours never go back: if the clock does, appends go to the newest cycle in the directory, whichever
 * process created it (see {@link MonotonicHourClock}).
 *
 * <p>Thread-safety: every method may be called from any thread; {@link #append} from any number at
 * once, each with its own Chronicle appender, and from several processes sharing the directory.
 * {@link #close()} waits for in-flight appends and reads, and appends after it return {@code false}.
 * The hot path takes no lock of its own beyond Chronicle's, allocates nothing in steady state and reads
 * the clock once (inside Chronicle).
 */
public final class ChronicleUsageJournal implements UsageJournal {
  private static final Logger LOG = LoggerFactory.getLogger(ChronicleUsageJournal.class);
  /** Size of Chronicle's mapped blocks, and of the free-space reserve that covers the next one. */
  static final long DEFAULT_BLOCK_SIZE = RawJournalQueue.BLOCK_SIZE;
  /**
   * Chronicle's header timeout in normal operation (its default); its write lock waits 1.5 times this
   * (15 s) before it checks the holder, which {@link WriteLockWatch} does far sooner, off the hot path.
   */
  private static final long TIMEOUT_MILLIS = 10_000;

  private final Path directory;
  private final String journalId;
  private final IdRegistry dimensions;
  private final IdRegistry customers;
  private final IdRegistry tagSets;
  private final MonotonicHourClock clock;
  private final SingleChronicleQueue queue;
  private final FreeSpaceGuard guard;
  private final WriteLockWatch writeLockWatch;
  private final CloseGate gate = new CloseGate();
  private final ReentrantLock admin = new ReentrantLock();
  private final AtomicLong appendFailures = new AtomicLong();
  private final CopyOnWriteArrayList<AppenderSlot> slots = new CopyOnWriteArrayList<>();
  private final Set<ChronicleJournalReader> readers = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<AppenderSlot> slotOfThread;

  private ChronicleUsageJournal(Path directory, String journalId, IdRegistry dimensions,
      IdRegistry customers, IdRegistry tagSets, MonotonicHourClock clock, SingleChronicleQueue queue,
      JournalSettings settings, long blockSize) {
    this.directory = directory;
    this.journalId = journalId;
    this.dimensions = dimensions;
    this.customers = customers;
    this.tagSets = tagSets;
    this.clock = clock;
    this.queue = queue;
    this.writeLockWatch = new WriteLockWatch(queue);
    this.guard = new FreeSpaceGuard(directory, settings.freeSpaceProbe(), settings.minFreeDiskBytes(),
        blockSize, this::housekeeping);
    // The slot references what it needs, never this journal, so a thread-local left in a living thread
    // after close does not keep the journal reachable.
    SingleChronicleQueue q = queue;
    CloseGate g = gate;
    FreeSpaceGuard fg = guard;
    AtomicLong failures = appendFailures;
    CopyOnWriteArrayList<AppenderSlot> registry = slots;
    this.slotOfThread = ThreadLocal.withInitial(() -> {
      AppenderSlot slot = new AppenderSlot(Thread.currentThread(), q, g, fg, failures);
      if (!g.closed) {
        // After close a slot never creates an appender, so it need not be remembered for closing.
        registry.add(slot);
      }
      return slot;
    });
  }

  /**
   * Opens (creating if absent) the journal in {@code settings.directory()}.
   *
   * @throws IllegalStateException if the JVM lacks flags Chronicle needs (the message lists them)
   * @throws UncheckedIOException  if the directory cannot be created, read or written (a regular file in
   *                               its place, a read-only file system, ...); every storage failure while
   *                               opening, Chronicle's own exceptions included, comes as this one
   */
  public static ChronicleUsageJournal open(JournalSettings settings) {
    return open(settings, DEFAULT_BLOCK_SIZE);
  }

  static ChronicleUsageJournal open(JournalSettings settings, long blockSize) {
    JvmFlags.check();
    ChronicleEnvironment.prepare();
    Path directory = settings.directory().toAbsolutePath().normalize();
    try {
      OwnerOnly.directory(directory);
    } catch (NotDirectoryException e) {
      throw new UncheckedIOException(e.getFile() + " exists but is not a directory", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the journal directory " + directory + ": " + e.getMessage(), e);
    }
    try {
      return openIn(directory, settings, blockSize);
    } catch (UncheckedIOException e) {
      throw e;
    } catch (RuntimeException e) {
      // Chronicle reports storage trouble its own way (IORuntimeException; UnsupportedOperationException
      // when it fell back to a read-only metadata store): one kind of failure for callers.
      String why = Files.isWritable(directory) ? ""
          : " (the directory is not writable: a read-only file system, or no write permission)";
      throw new UncheckedIOException("cannot open the journal in " + directory + why + ": " + e,
          new IOException(e.toString(), e));
    }
  }

  private static ChronicleUsageJournal openIn(Path directory, JournalSettings settings, long blockSize) {
    DirectoryLock lock = new DirectoryLock(directory.resolve("journal.lock"));
    JournalFormat.checkAndUpgrade(directory, lock);
    String journalId = JournalIdentity.readOrCreate(directory, lock);
    IdRegistry dimensions = IdRegistry.dimensions(directory, lock);
    IdRegistry customers = IdRegistry.customers(directory, lock);
    IdRegistry tagSets = IdRegistry.tagSets(directory, lock);
    long usable = settings.freeSpaceProbe().usableBytes(directory);
    if (usable >= settings.minFreeDiskBytes() + blockSize) {
      lock.run(() -> {
        ChronicleQueues.recover(directory, settings.clock(), blockSize);
        return null;
      });
    } else {
      LOG.warn("Journal disk low at open ({} usable bytes in {}); skipping crash recovery", usable, directory);
    }
    MonotonicHourClock clock = new MonotonicHourClock(settings.clock());
    SingleChronicleQueue queue = ChronicleQueues.open(directory, clock, blockSize, TIMEOUT_MILLIS);
    try {
      return new ChronicleUsageJournal(directory, journalId, dimensions, customers, tagSets, clock, queue, settings,
          blockSize);
    } catch (RuntimeException | Error e) {
      clock.detach();
      queue.close();
      throw e;
    }
  }

  @Override
  public Path directory() {
    return directory;
  }

  @Override
  public String journalId() {
    return journalId;
  }

  @Override
  public int dimensionId(String dimension) {
    return dimensions.idOf(dimension);
  }

  @Override
  public Map<Integer, String> dimensions() {
    return dimensions.from(0);
  }

  @Override
  public boolean supportsCustomers() {
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A key seen before in this process is a map lookup; a new one costs a cross-process lock, a read
   * of what other processes registered since, one append and one sync (shared by threads registering
   * at once); see {@link IdRegistry}.
   */
  @Override
  public int customerId(String customerKey) {
    return customers.idOf(customerKey);
  }

  @Override
  public Map<Integer, String> customers(int fromId) {
    return customers.from(fromId);
  }

  /** {@inheritDoc} Registered as customers are; see {@link #customerId}. */
  @Override
  public int tagSetId(String encodedTags) {
    return tagSets.idOf(encodedTags);
  }

  @Override
  public Map<Integer, String> tagSets(int fromId) {
    return tagSets.from(fromId);
  }

  @Override
  public boolean append(int dimensionId, long quantity, int tagSetId) {
    if (guard.low()) {
      return false;
    }
    return slotOfThread.get().append(dimensionId, 0, quantity, tagSetId);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A record of a customer takes 24 bytes in the cycle file, one of no customer ({@code customerId}
   * 0) 20, as {@link #append(int, long, int)} writes it.
   *
   * @throws IllegalArgumentException if {@code customerId} is negative
   */
  @Override
  public boolean append(int dimensionId, int customerId, long quantity, int tagSetId) {
    if (customerId < 0) {
      throw new IllegalArgumentException("customerId must be 0 or an id from customerId(key) but was " + customerId);
    }
    if (guard.low()) {
      return false;
    }
    return slotOfThread.get().append(dimensionId, customerId, quantity, tagSetId);
  }

  @Override
  public JournalReader reader(long fromPosition) {
    admin.lock();
    try {
      if (gate.closed) {
        throw new IllegalStateException("journal " + directory + " is closed");
      }
      ChronicleJournalReader reader = new ChronicleJournalReader(queue, directory, gate, fromPosition,
          readers::remove);
      readers.add(reader);
      return reader;
    } finally {
      admin.unlock();
    }
  }

  @Override
  public long firstPositionOfHour(long epochHour) {
    long cycle = Math.max(0, Math.min(epochHour, Integer.MAX_VALUE));
    return ChronicleQueues.ROLL_CYCLE.toIndex((int) cycle, 0);
  }

  @Override
  public NavigableSet<Long> hours() {
    return CycleFiles.hours(directory);
  }

  @Override
  public boolean deleteHour(long epochHour) {
    admin.lock();
    try {
      if (gate.closed || epochHour >= clock.currentHour() || epochHour >= clock.highestCycle()) {
        return false;
      }
      boolean deleted = Files.deleteIfExists(directory.resolve(CycleFiles.fileName(epochHour)));
      if (deleted) {
        queue.refreshDirectoryListing();
      }
      return deleted;
    } catch (IOException e) {
      LOG.warn("Could not delete hour {} of the journal in {}", epochHour, directory, e);
      return false;
    } finally {
      admin.unlock();
    }
  }

  /**
   * The apparent sizes of the journal's files (cycle files, Chronicle's metadata, the id, the dimension
   * and the customer registry; not the ledger's, which reports its own). Chronicle extends a cycle file a
   * block ahead of what is written, sparsely, so this is an upper bound of the blocks allocated.
   */
  @Override
  public long diskBytes() {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        if (file.getFileName().toString().startsWith(FileReportLedger.FILE_PREFIX)) {
          continue;
        }
        try {
          total += Files.size(file);
        } catch (NoSuchFileException raced) {
          // deleted by retention while we listed
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the journal directory " + directory, e);
    }
    return total;
  }

  @Override
  public boolean diskLow() {
    return guard.low();
  }

  /** Appends that Chronicle failed (not refusals for low disk or a closed journal). */
  long appendFailures() {
    return appendFailures.get();
  }

  /** The free-space threshold in force: the configured minimum plus Chronicle's growth reserve. */
  long freeSpaceThresholdBytes() {
    return guard.thresholdBytes();
  }

  @Override
  public void close() {
    admin.lock();
    try {
      if (gate.closed) {
        return;
      }
      gate.closed = true;
    } finally {
      admin.unlock();
    }
    guard.close();
    writeLockWatch.close();
    for (AppenderSlot slot : slots) {
      slot.awaitIdle();
      slot.close();
    }
    slots.clear();
    for (ChronicleJournalReader reader : readers) {
      reader.awaitIdle();
      reader.closeFromJournal();
    }
    readers.clear();
    clock.detach();
    queue.close();
    // Chronicle unmaps on a background thread; finish it now, so that a closed journal holds no
    // mapping (a file system can then be unmounted, a directory deleted).
    BackgroundResourceReleaser.releasePendingResources();
  }

  /**
   * Runs on the free-space sampler, every tick: releases the write lock if a killed process holds it
   * (else every appender here would wait 15 s for it), and closes the appenders of dead threads (else
   * they stay mapped until close).
   */
  private void housekeeping() {
    writeLockWatch.check(System.nanoTime());
    closeSlotsOfDeadThreads();
  }

  private void closeSlotsOfDeadThreads() {
    for (AppenderSlot slot : slots) {
      if (!slot.owner.isAlive() && slots.remove(slot)) {
        slot.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ChronicleUsageJournal[" + directory + "]";
  }
}
