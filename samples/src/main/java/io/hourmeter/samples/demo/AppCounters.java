package io.hourmeter.samples.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the demo's application threads asked to record and what {@code record()} confirmed, per thread
 * and usage key (a dimension; in SaaS mode a buyer's dimension, see {@link WorkerArgs#keys()}), in a
 * memory-mapped file, so that the figures survive a SIGKILL of the metering process
 * (a store into a shared mapping is in the page cache the moment it is made).
 *
 * <p>Each thread bumps {@code attempted} before calling {@code record()} and {@code acknowledged} after
 * it returns {@code true}. After a kill, the journal must hold at least every acknowledged unit and at
 * most every attempted one; without a kill the two are equal and the journal must hold exactly that.
 *
 * <p>Thread-safety: each (thread, key) slot has one writer; any thread may read.
 */
final class AppCounters implements AutoCloseable {
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final int SLOT_BYTES = 16;

  private final FileChannel channel;
  private final MappedByteBuffer buffer;
  private final int threads;
  private final int keys;

  private AppCounters(FileChannel channel, MappedByteBuffer buffer, int threads, int keys) {
    this.channel = channel;
    this.buffer = buffer;
    this.threads = threads;
    this.keys = keys;
  }

  /** Opens (creating, zeroed, if absent) the counters file for {@code threads} x {@code keys}. */
  static AppCounters open(Path file, int threads, int keys) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0,
          (long) threads * keys * SLOT_BYTES);
      return new AppCounters(channel, buffer, threads, keys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void attempted(int thread, int key, long units) {
    add(offset(thread, key), units);
  }

  void acknowledged(int thread, int key, long units) {
    add(offset(thread, key) + 8, units);
  }

  /** Units attempted for a key, over all threads. */
  long attempted(int key) {
    return sum(key, 0);
  }

  /** Units acknowledged for a key, over all threads. */
  long acknowledged(int key) {
    return sum(key, 8);
  }

  private long sum(int key, int field) {
    long total = 0;
    for (int t = 0; t < threads; t++) {
      total += (long) LONGS.getVolatile(buffer, offset(t, key) + field);
    }
    return total;
  }

  private void add(int offset, long units) {
    long current = (long) LONGS.getOpaque(buffer, offset);
    LONGS.setRelease(buffer, offset, current + units);
  }

  private int offset(int thread, int key) {
    return (thread * keys + key) * SLOT_BYTES;
  }

  @Override
  public void close() {
    try {
      buffer.force();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
