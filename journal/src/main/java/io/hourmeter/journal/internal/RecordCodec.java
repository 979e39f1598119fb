package io.hourmeter.journal.internal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The journal's fixed binary records, behind Chronicle's own 4-byte header, little-endian as Chronicle
 * writes them. Two layouts, told apart by payload length:
 * <ul>
 *   <li>a record of no customer (hourly and AgentCore journals, and every directory written before
 *       SaaS): a 16-byte payload, dimension id (int), quantity (long), tag-set id (int): 20 bytes a
 *       record in a cycle file;</li>
 *   <li>a record of a customer (SaaS): a 20-byte payload, dimension id (int), customer id (int),
 *       quantity (long), tag-set id (int): 24 bytes a record.</li>
 * </ul>
 * Raw bytes, not self-describing wire, so that a record costs the same on every append and a reader
 * never parses field names.
 *
 * <p>Internal: not a supported API. It is public so that the benchmarks can make a raw Chronicle
 * append of exactly the same bytes ({@link #appendRaw}) as the baseline for
 * {@code ChronicleUsageJournal.append}.
 *
 * <p>Thread-safety: stateless; an appender is bound to one thread, as Chronicle requires.
 */
public final class RecordCodec {
  /** Bytes of the payload of a record of no customer, after Chronicle's 4-byte header. */
  public static final int PAYLOAD_BYTES = 16;
  /** Bytes of the payload of a record of a customer, after Chronicle's 4-byte header. */
  public static final int CUSTOMER_PAYLOAD_BYTES = 20;
  /** Bytes of Chronicle's header in front of every record. */
  public static final int HEADER_BYTES = 4;

  private RecordCodec() { }

  /**
   * Appends one record of no customer with a plain Chronicle appender: no close guard, no free-space
   * guard. This is the raw baseline that the journal's own append is measured against.
   */
  public static void appendRaw(ExcerptAppender appender, int dimensionId, long quantity, int tagSetId) {
    try (DocumentContext dc = appender.writingDocument()) {
      write(dc.wire().bytes(), dimensionId, quantity, tagSetId);
    }
  }

  /**
   * Appends one record in the layout its customer id calls for (16 bytes of payload for 0, else 20),
   * with a plain Chronicle appender.
   */
  public static void appendRaw(ExcerptAppender appender, int dimensionId, int customerId, long quantity,
      int tagSetId) {
    try (DocumentContext dc = appender.writingDocument()) {
      Bytes<?> bytes = dc.wire().bytes();
      if (customerId == 0) {
        write(bytes, dimensionId, quantity, tagSetId);
      } else {
        write(bytes, dimensionId, customerId, quantity, tagSetId);
      }
    }
  }

  /** Writes the payload of a record of no customer at the write position. */
  public static void write(Bytes<?> bytes, int dimensionId, long quantity, int tagSetId) {
    bytes.writeInt(dimensionId);
    bytes.writeLong(quantity);
    bytes.writeInt(tagSetId);
  }

  /** Writes the payload of a record of a customer at the write position. */
  public static void write(Bytes<?> bytes, int dimensionId, int customerId, long quantity, int tagSetId) {
    bytes.writeInt(dimensionId);
    bytes.writeInt(customerId);
    bytes.writeLong(quantity);
    bytes.writeInt(tagSetId);
  }

  /** Whether the bytes left to read are exactly one record's payload, of either layout. */
  public static boolean isRecord(Bytes<?> bytes) {
    long remaining = bytes.readRemaining();
    return remaining == PAYLOAD_BYTES || remaining == CUSTOMER_PAYLOAD_BYTES;
  }

  /** Whether the bytes left to read, a {@linkplain #isRecord record}, are one of a customer. */
  public static boolean hasCustomer(Bytes<?> bytes) {
    return bytes.readRemaining() == CUSTOMER_PAYLOAD_BYTES;
  }
}
