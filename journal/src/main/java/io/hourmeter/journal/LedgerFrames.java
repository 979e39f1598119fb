package io.hourmeter.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The ledger's file format: a segment file is a sequence of frames, each one whole commit:
 * {@code int payloadLength, int crc32(payload), payload}, where the payload is
 * {@code byte version, int puts, (key, value)*, int removes, key*} and a string is
 * {@code int utf8Length, utf8 bytes}. A frame that is cut short or whose checksum fails ends the
 * segment: it is the torn tail of a commit that never returned. A put's <em>record</em> is its key and
 * value as they are encoded ({@code 8 + key bytes + value bytes}); its file offset names it.
 *
 * <p>The format is the one the single-file ledger wrote, so that its {@code ledger.N.log} files are
 * segments as they are.
 *
 * <p>Thread-safety: stateless; a {@link Visitor} is called on the replaying thread.
 */
final class LedgerFrames {
  static final int HEADER_BYTES = 8;
  /** Bytes of a payload before its first record: version and put count. */
  static final int PAYLOAD_PREFIX = 5;
  private static final byte VERSION = 1;
  private static final int MAX_PAYLOAD = 1 << 30;
  private static final int READ_BUFFER = 1 << 20;

  private LedgerFrames() { }

  /** What a replay finds in each whole frame: first its removes, then its puts. */
  interface Visitor {
    /**
     * A put of the record at file offset {@code at}, whose key is {@code bytes[keyAt, keyAt+keyLength)}
     * and whose value follows it; {@code bytes} is only valid during the call.
     */
    void put(byte[] bytes, int keyAt, int keyLength, int valueAt, int valueLength, long at);

    /** A remove of the key {@code bytes[keyAt, keyAt+keyLength)}. */
    void remove(byte[] bytes, int keyAt, int keyLength);
  }

  /** Encodes a commit as one frame, header included. A key in both is only put. */
  static ByteBuffer encode(Map<String, String> puts, Set<String> removes) {
    String[] keys = new String[puts.size()];
    String[] values = new String[puts.size()];
    int i = 0;
    for (Map.Entry<String, String> put : puts.entrySet()) {
      keys[i] = put.getKey();
      values[i++] = put.getValue();
    }
    String[] removed = removes.stream().filter(key -> !puts.containsKey(key)).toArray(String[]::new);
    return encode(keys, values, removed, new int[keys.length]);
  }

  /**
   * Encodes a commit of {@code keys[i] = values[i]} and of removes of {@code removed} (which must not be
   * among the keys) as one frame, header included, and fills {@code recordAt[i]} with where put
   * {@code i}'s record starts in the frame.
   */
  static ByteBuffer encode(String[] keys, String[] values, String[] removed, int[] recordAt) {
    byte[][] encoded = new byte[2 * keys.length + removed.length][];
    long bytes = HEADER_BYTES + PAYLOAD_PREFIX + 4;
    for (int i = 0; i < keys.length; i++) {
      encoded[2 * i] = keys[i].getBytes(StandardCharsets.UTF_8);
      encoded[2 * i + 1] = values[i].getBytes(StandardCharsets.UTF_8);
      bytes += 8 + encoded[2 * i].length + encoded[2 * i + 1].length;
    }
    for (int i = 0; i < removed.length; i++) {
      encoded[2 * keys.length + i] = removed[i].getBytes(StandardCharsets.UTF_8);
      bytes += 4 + encoded[2 * keys.length + i].length;
    }
    if (bytes - HEADER_BYTES > MAX_PAYLOAD) {
      throw new IllegalArgumentException("a commit of " + bytes + " bytes exceeds the ledger's frame limit");
    }
    ByteBuffer frame = ByteBuffer.allocate((int) bytes);
    frame.position(HEADER_BYTES);
    frame.put(VERSION).putInt(keys.length);
    for (int i = 0; i < keys.length; i++) {
      recordAt[i] = frame.position();
      frame.putInt(encoded[2 * i].length).put(encoded[2 * i]);
      frame.putInt(encoded[2 * i + 1].length).put(encoded[2 * i + 1]);
    }
    frame.putInt(removed.length);
    for (int i = 2 * keys.length; i < encoded.length; i++) {
      frame.putInt(encoded[i].length).put(encoded[i]);
    }
    return seal(frame);
  }

  /**
   * Encodes a frame that puts {@code count} records copied verbatim from other frames:
   * {@code records[0, length)}.
   */
  static ByteBuffer encodeRecords(byte[] records, int length, int count) {
    ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + PAYLOAD_PREFIX + length + 4);
    frame.position(HEADER_BYTES);
    frame.put(VERSION).putInt(count).put(records, 0, length).putInt(0);
    return seal(frame);
  }

  private static ByteBuffer seal(ByteBuffer frame) {
    int payloadLength = frame.capacity() - HEADER_BYTES;
    CRC32 crc = new CRC32();
    crc.update(frame.array(), HEADER_BYTES, payloadLength);
    frame.putInt(0, payloadLength);
    frame.putInt(4, (int) crc.getValue());
    return frame.rewind();
  }

  /**
   * Applies every whole frame of the file from {@code from} (a frame boundary) to its current end, and
   * returns where the last whole frame ends.
   */
  static long replay(FileChannel channel, long from, Visitor visitor) throws IOException {
    return replay(channel, from, Long.MAX_VALUE, visitor);
  }

  /**
   * Like {@link #replay(FileChannel, long, Visitor)}, but stops before the first frame that starts at
   * or after {@code until}: a bounded step of a scan.
   */
  static long replay(FileChannel channel, long from, long until, Visitor visitor) throws IOException {
    Reader reader = new Reader(channel, from);
    CRC32 crc = new CRC32();
    while (reader.frameStart() < until && reader.ensure(HEADER_BYTES)) {
      byte[] bytes = reader.buffer;
      int at = reader.position;
      int length = getInt(bytes, at);
      int expectedCrc = getInt(bytes, at + 4);
      if (length < PAYLOAD_PREFIX + 4 || length > MAX_PAYLOAD || !reader.ensure(HEADER_BYTES + length)) {
        break;
      }
      bytes = reader.buffer;
      at = reader.position;
      crc.reset();
      crc.update(bytes, at + HEADER_BYTES, length);
      if ((int) crc.getValue() != expectedCrc
          || !apply(bytes, at + HEADER_BYTES, length, reader.base, visitor)) {
        break;
      }
      reader.position += HEADER_BYTES + length;
    }
    return reader.frameStart();
  }

  /**
   * Checks the structure of one checksummed payload, then hands its removes and its puts to the
   * visitor; false, having handed nothing, if it is not one this version understands.
   * {@code base} is the file offset of {@code bytes[0]}.
   */
  private static boolean apply(byte[] bytes, int start, int length, long base, Visitor visitor) {
    int end = start + length;
    if (bytes[start] != VERSION) {
      return false;
    }
    int puts = getInt(bytes, start + 1);
    int p = start + PAYLOAD_PREFIX;
    if (puts < 0) {
      return false;
    }
    for (int i = 0; i < 2 * puts; i++) {
      p = skipString(bytes, p, end);
      if (p < 0) {
        return false;
      }
    }
    if (p + 4 > end) {
      return false;
    }
    int removes = getInt(bytes, p);
    int removesAt = p + 4;
    p = removesAt;
    for (int i = 0; i < removes; i++) {
      p = skipString(bytes, p, end);
      if (p < 0) {
        return false;
      }
    }
    if (removes < 0 || p != end) {
      return false;
    }
    p = removesAt;
    for (int i = 0; i < removes; i++) {
      int keyLength = getInt(bytes, p);
      visitor.remove(bytes, p + 4, keyLength);
      p += 4 + keyLength;
    }
    p = start + PAYLOAD_PREFIX;
    for (int i = 0; i < puts; i++) {
      int keyLength = getInt(bytes, p);
      int valueLength = getInt(bytes, p + 4 + keyLength);
      visitor.put(bytes, p + 4, keyLength, p + 8 + keyLength, valueLength, base + p);
      p += 8 + keyLength + valueLength;
    }
    return true;
  }

  /** The index after the string at {@code p}, or -1 if it does not fit before {@code end}. */
  private static int skipString(byte[] bytes, int p, int end) {
    if (p + 4 > end) {
      return -1;
    }
    int length = getInt(bytes, p);
    if (length < 0 || length > end - p - 4) {
      return -1;
    }
    return p + 4 + length;
  }

  static int getInt(byte[] bytes, int at) {
    return (bytes[at] << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
  }

  static String string(byte[] bytes, int at, int length) {
    return new String(bytes, at, length, StandardCharsets.UTF_8);
  }

  /**
   * Reads put records at ascending file offsets (of frames already checked) through one window that
   * moves forward, so that the garbage between them is skipped in big reads.
   */
  static final class RecordReader {
    private final FileChannel channel;
    private byte[] buffer = new byte[READ_BUFFER];
    private long base;
    private int limit;

    RecordReader(FileChannel channel) {
      this.channel = channel;
    }

    /** The key and value of the record at {@code at}. */
    Map.Entry<String, String> entryAt(long at) throws IOException {
      int p = window(at, 4);
      int keyLength = getInt(buffer, p);
      p = window(at, 8 + Math.max(0, keyLength));
      int valueLength = getInt(buffer, p + 4 + keyLength);
      if (keyLength < 0 || valueLength < 0 || 8L + keyLength + valueLength > MAX_PAYLOAD) {
        throw new IOException("no ledger record at " + at);
      }
      p = window(at, 8 + keyLength + valueLength);
      return new AbstractMap.SimpleImmutableEntry<>(string(buffer, p + 4, keyLength),
          string(buffer, p + 8 + keyLength, valueLength));
    }

    /** Where {@code bytes} bytes from file offset {@code at} are in the buffer, reading them if not. */
    private int window(long at, int bytes) throws IOException {
      if (at >= base && at + bytes <= base + limit) {
        return (int) (at - base);
      }
      if (bytes > buffer.length) {
        buffer = new byte[bytes];
      }
      base = at;
      limit = 0;
      ByteBuffer into = ByteBuffer.wrap(buffer);
      while (limit < bytes) {
        into.limit(buffer.length).position(limit);
        int read = channel.read(into, base + limit);
        if (read <= 0) {
          throw new IOException("a ledger record at " + at + " runs past the end of its segment");
        }
        limit += read;
      }
      return 0;
    }
  }

  /** Reads a file forward through one reusable buffer, which grows for a frame larger than it. */
  private static final class Reader {
    private final FileChannel channel;
    /** File offset of {@code buffer[0]}. */
    private long base;
    private byte[] buffer;
    private int limit;
    /** Start of the current frame in {@code buffer}. */
    int position;

    Reader(FileChannel channel, long from) throws IOException {
      this.channel = channel;
      this.base = from;
      this.buffer = new byte[(int) Math.min(READ_BUFFER, Math.max(4096, channel.size() - from))];
    }

    long frameStart() {
      return base + position;
    }

    /** Whether {@code bytes} bytes from the current frame's start are in the buffer (reading them). */
    boolean ensure(int bytes) throws IOException {
      if (limit - position >= bytes) {
        return true;
      }
      if (bytes > buffer.length) {
        byte[] larger = new byte[Math.max(bytes, 2 * buffer.length)];
        System.arraycopy(buffer, position, larger, 0, limit - position);
        buffer = larger;
      } else {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
      }
      base += position;
      limit -= position;
      position = 0;
      ByteBuffer into = ByteBuffer.wrap(buffer);
      while (limit < bytes) {
        into.limit(buffer.length).position(limit);
        int read = channel.read(into, base + limit);
        if (read <= 0) {
          return false;
        }
        limit += read;
      }
      return true;
    }
  }
}
