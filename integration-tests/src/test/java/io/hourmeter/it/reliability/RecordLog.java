package io.hourmeter.it.reliability;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One recording thread's log of {@code record()} calls: the ground truth of what was recorded.
 *
 * <p>Each call writes an intent line ({@code I seq key quantity}; the key is the dimension, or in SaaS
 * mode the buyer and the dimension, {@link Keys}) before {@code record()} and an
 * outcome line ({@code + seq} when it returned true, {@code - seq} when it returned false) after it.
 * Each line is one unbuffered {@code write(2)}, so it reaches the page cache and survives SIGKILL of the
 * process. A kill between {@code record()} returning and the outcome line leaves an intent without an
 * outcome: that call is "in doubt" (it may or may not have been journaled). There is at most one per
 * thread per kill, and the reconciliation allows for exactly those.
 *
 * <p>Not thread-safe: one thread owns one log.
 */
final class RecordLog implements AutoCloseable {
  private final FileOutputStream out;
  private long sequence;

  RecordLog(Path file) {
    try {
      this.out = new FileOutputStream(file.toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Logs the intent to record under {@code key}, and returns the sequence number to pass to {@link #outcome}. */
  long intent(String key, long quantity) {
    long seq = ++sequence;
    write("I " + seq + " " + key + " " + quantity + "\n");
    return seq;
  }

  /** Logs what {@code record()} returned. */
  void outcome(long seq, boolean journaled) {
    write((journaled ? "+ " : "- ") + seq + "\n");
  }

  private void write(String line) {
    try {
      out.write(line.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
