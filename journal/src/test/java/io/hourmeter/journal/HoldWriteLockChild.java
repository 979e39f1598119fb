package io.hourmeter.journal;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A peer that dies mid-append: it opens the journal's queue as the journal does, enters
 * {@code writingDocument()} (taking Chronicle's cross-process write lock and writing an incomplete
 * header), writes half a record, prints {@code HOLDING}, and holds the lock until the parent SIGKILLs
 * it.
 *
 * <p>Arguments: directory, epoch hour of its clock.
 */
public final class HoldWriteLockChild {
  private HoldWriteLockChild() { }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    long hour = Long.parseLong(args[1]);
    MonotonicHourClock clock = new MonotonicHourClock(InstantSource.fixed(Instant.ofEpochSecond(hour * 3600)));
    SingleChronicleQueue queue = ChronicleQueues.open(directory, clock, ChronicleUsageJournal.DEFAULT_BLOCK_SIZE,
        10_000);
    ExcerptAppender appender = queue.createAppender();
    DocumentContext dc = appender.writingDocument();
    dc.wire().bytes().writeInt(1);
    dc.wire().bytes().writeInt(0xDEAD);
    System.out.println("HOLDING");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
