package io.hourmeter.journal;

import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.testing.ChildJvm;
import io.hourmeter.testing.JournalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the journal's tests. */
final class JournalTesting {
  private JournalTesting() { }

  static List<JournalRecord> readAll(UsageJournal journal, long from) {
    List<JournalRecord> records = new ArrayList<>();
    try (JournalReader reader = journal.reader(from)) {
      while (reader.read((p, h, d, c, q, t) -> records.add(new JournalRecord(p, h, d, c, q, t)), 10_000) > 0) {
        // keep reading
      }
    }
    return records;
  }

  /** How many sequences a {@link RecordingChild} thread logged as returned. */
  static int loggedCount(Path log) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(log)).order(ByteOrder.BIG_ENDIAN);
    int count = 0;
    while (bytes.remaining() >= 8) {
      long value = bytes.getLong();
      if (value == 0) {
        break;
      }
      if (value != count + 1) {
        throw new AssertionError(log + " holds " + value + " at slot " + count);
      }
      count++;
    }
    return count;
  }

  /** Waits until the child's output holds {@code marker}, or fails. */
  static void awaitOutput(ChildJvm child, String marker, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(child.output()) && Files.readString(child.output()).contains(marker)) {
        return;
      }
      if (!child.isAlive()) {
        throw new AssertionError("child exited before printing " + marker + ":\n" + Files.readString(child.output()));
      }
      Thread.sleep(10);
    }
    throw new AssertionError("child did not print " + marker + " within " + timeout + ":\n"
        + Files.readString(child.output()));
  }
}
