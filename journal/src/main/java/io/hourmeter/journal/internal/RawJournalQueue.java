package io.hourmeter.journal.internal;

import java.nio.file.Path;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * A plain Chronicle queue configured as the journal configures its own (FAST_HOURLY cycles, binary
 * wire, {@link #BLOCK_SIZE} blocks) but with none of the journal's guards, clock or registry: with
 * {@link RecordCodec#appendRaw} it is the raw baseline that {@code ChronicleUsageJournal.append} is
 * benchmarked against.
 *
 * <p>Internal: not a supported API. The JVM needs the journal's flags, as for any Chronicle queue.
 */
public final class RawJournalQueue {
  /** The size of Chronicle's mapped blocks in a journal's cycle files. */
  public static final long BLOCK_SIZE = 4L << 20;

  private RawJournalQueue() { }

  /** Opens (creating if absent) a queue in {@code directory} with the journal's settings. */
  public static SingleChronicleQueue open(Path directory) {
    return SingleChronicleQueueBuilder.binary(directory)
        .rollCycle(RollCycles.FAST_HOURLY)
        .blockSize(BLOCK_SIZE)
        .build();
  }
}
