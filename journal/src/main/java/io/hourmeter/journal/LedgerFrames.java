package io.hourmeter.journal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The ledger's file format: a sequence of frames, each one whole commit:
 * {@code int payloadLength, int crc32(payload), payload}, where the payload is
 * {@code byte version, int puts, (key, value)*, int removes, key*} and a string is
 * {@code int utf8Length, utf8 bytes}. A frame that is cut short or whose checksum fails ends the log:
 * it is the torn tail of a commit that never returned.
 */
final class LedgerFrames {
  static final int HEADER_BYTES = 8;
  private static final byte VERSION = 1;
  private static final int MAX_PAYLOAD = 1 << 30;

  private LedgerFrames() { }

  /** Encodes a commit as one frame, header included. A key in both is only put. */
  static ByteBuffer encode(Map<String, String> puts, Set<String> removes) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 + 32 * (puts.size() + removes.size()));
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(0);
      out.writeInt(0);
      out.writeByte(VERSION);
      out.writeInt(puts.size());
      for (Map.Entry<String, String> put : puts.entrySet()) {
        writeString(out, put.getKey());
        writeString(out, put.getValue());
      }
      int removeCount = 0;
      for (String key : removes) {
        if (!puts.containsKey(key)) {
          removeCount++;
        }
      }
      out.writeInt(removeCount);
      for (String key : removes) {
        if (!puts.containsKey(key)) {
          writeString(out, key);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer frame = ByteBuffer.wrap(buffer.toByteArray());
    int payloadLength = frame.capacity() - HEADER_BYTES;
    CRC32 crc = new CRC32();
    crc.update(frame.array(), HEADER_BYTES, payloadLength);
    frame.putInt(0, payloadLength);
    frame.putInt(4, (int) crc.getValue());
    return frame;
  }

  private static void writeString(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /**
   * Applies every whole frame of the file, from the start, to {@code state}, and returns where the
   * last whole frame ends (the valid length of the log).
   */
  static long replay(FileChannel channel, Map<String, String> state) throws IOException {
    long size = channel.size();
    long position = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    while (position + HEADER_BYTES <= size) {
      header.clear();
      if (!readFully(channel, header, position)) {
        break;
      }
      int length = header.getInt(0);
      int expectedCrc = header.getInt(4);
      if (length < 5 || length > MAX_PAYLOAD || position + HEADER_BYTES + length > size) {
        break;
      }
      ByteBuffer payload = ByteBuffer.allocate(length);
      if (!readFully(channel, payload, position + HEADER_BYTES)) {
        break;
      }
      CRC32 crc = new CRC32();
      crc.update(payload.array(), 0, length);
      if ((int) crc.getValue() != expectedCrc || !apply(payload.flip(), state)) {
        break;
      }
      position += HEADER_BYTES + length;
    }
    return position;
  }

  private static boolean readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      int read = channel.read(into, position + into.position());
      if (read < 0) {
        return false;
      }
    }
    return true;
  }

  /** Applies one checked payload; false if it is not one this version understands. */
  private static boolean apply(ByteBuffer payload, Map<String, String> state) {
    try {
      if (payload.get() != VERSION) {
        return false;
      }
      int puts = payload.getInt();
      Map<String, String> put = new java.util.HashMap<>();
      for (int i = 0; i < puts; i++) {
        String key = readString(payload);
        put.put(key, readString(payload));
      }
      int removes = payload.getInt();
      Set<String> removed = new java.util.HashSet<>();
      for (int i = 0; i < removes; i++) {
        removed.add(readString(payload));
      }
      if (payload.hasRemaining()) {
        return false;
      }
      state.keySet().removeAll(removed);
      state.putAll(put);
      return true;
    } catch (RuntimeException malformed) {
      return false;
    }
  }

  private static String readString(ByteBuffer payload) {
    int length = payload.getInt();
    if (length < 0 || length > payload.remaining()) {
      throw new IllegalArgumentException("string length " + length);
    }
    String text = new String(payload.array(), payload.arrayOffset() + payload.position(), length,
        StandardCharsets.UTF_8);
    payload.position(payload.position() + length);
    return text;
  }
}
