package io.hourmeter.journal.internal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The journal's fixed binary record: a 16-byte payload (dimension id as an int, quantity as a long,
 * tag-set id as an int, little-endian as Chronicle writes them) behind Chronicle's own 4-byte header,
 * so 20 bytes per record in a cycle file. Raw bytes, not self-describing wire, so that a record costs
 * the same on every append and a reader never parses field names.
 *
 * <p>Internal: not a supported API. It is public so that the benchmarks can make a raw Chronicle
 * append of exactly the same bytes ({@link #appendRaw}) as the baseline for
 * {@code ChronicleUsageJournal.append}.
 *
 * <p>Thread-safety: stateless; an appender is bound to one thread, as Chronicle requires.
 */
public final class RecordCodec {
  /** Bytes of a record's payload, after Chronicle's 4-byte header. */
  public static final int PAYLOAD_BYTES = 16;
  /** Bytes of Chronicle's header in front of every record. */
  public static final int HEADER_BYTES = 4;

  private RecordCodec() { }

  /**
   * Appends one record with a plain Chronicle appender: no close guard, no free-space guard. This is
   * the raw baseline that the journal's own append is measured against.
   */
  public static void appendRaw(ExcerptAppender appender, int dimensionId, long quantity, int tagSetId) {
    try (DocumentContext dc = appender.writingDocument()) {
      write(dc.wire().bytes(), dimensionId, quantity, tagSetId);
    }
  }

  /** Writes a record's payload at the write position. */
  public static void write(Bytes<?> bytes, int dimensionId, long quantity, int tagSetId) {
    bytes.writeInt(dimensionId);
    bytes.writeLong(quantity);
    bytes.writeInt(tagSetId);
  }

  /** Whether the bytes left to read are exactly one record's payload. */
  public static boolean isRecord(Bytes<?> bytes) {
    return bytes.readRemaining() == PAYLOAD_BYTES;
  }
}
