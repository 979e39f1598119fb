package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report ledger's segment files in one directory, {@code ledger.N.log}: their names, which exist,
 * and the state they hold, read as any process may read them while the writer commits and compacts
 * (see {@link FileReportLedger} for why such a load is the state after one whole commit).
 *
 * <p>Thread-safety: stateless beyond the directory; safe from any thread and process.
 */
final class LedgerFiles {
  static final String PREFIX = "ledger.";
  static final String SUFFIX = ".log";
  private static final int LOAD_ATTEMPTS = 50;

  private final Path directory;

  LedgerFiles(Path directory) {
    this.directory = directory;
  }

  /**
   * Replays the segments as they are now, starting again if compaction deletes them under our feet (see
   * the class comment for why a load is one commit's state).
   */
  Map<String, String> load() {
    IOException last = null;
    for (int attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      try {
        Map<String, String> state = replayChain();
        if (state != null) {
          return state;
        }
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException("cannot load the report ledger in " + directory
        + " (segments changed under " + LOAD_ATTEMPTS + " attempts)", last);
  }

  /** One attempt: the state, or null if compaction deleted a segment this needed. */
  private HashMap<String, String> replayChain() throws IOException {
    HashMap<String, String> state = new HashMap<>();
    TreeSet<Integer> numbers = numbers();
    if (numbers.isEmpty()) {
      return state;
    }
    LedgerFrames.Visitor visitor = new LedgerFrames.Visitor() {
      @Override
      public void put(byte[] bytes, int keyAt, int keyLength, int valueAt, int valueLength, long at) {
        state.put(LedgerFrames.string(bytes, keyAt, keyLength), LedgerFrames.string(bytes, valueAt, valueLength));
      }

      @Override
      public void remove(byte[] bytes, int keyAt, int keyLength) {
        state.remove(LedgerFrames.string(bytes, keyAt, keyLength));
      }
    };
    int number = numbers.first();
    FileChannel current;
    try {
      current = FileChannel.open(fileOf(number), StandardOpenOption.READ);
    } catch (NoSuchFileException compacted) {
      return null;
    }
    try {
      long read = LedgerFrames.replay(current, 0, visitor);
      while (true) {
        FileChannel next;
        try {
          next = FileChannel.open(fileOf(number + 1), StandardOpenOption.READ);
        } catch (NoSuchFileException none) {
          // Segments are deleted oldest first: if ours is still there, the next was never started.
          return Files.exists(fileOf(number)) ? state : null;
        }
        // The next exists, so ours is finished: read what was appended to it since.
        LedgerFrames.replay(current, read, visitor);
        current.close();
        current = next;
        number++;
        read = LedgerFrames.replay(current, 0, visitor);
      }
    } finally {
      current.close();
    }
  }

  Path fileOf(int number) {
    return directory.resolve(PREFIX + String.format("%012d", number) + SUFFIX);
  }

  TreeSet<Integer> numbers() throws IOException {
    TreeSet<Integer> numbers = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String number = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        if (!number.isEmpty() && number.length() <= 12 && number.chars().allMatch(Character::isDigit)) {
          long value = Long.parseLong(number);
          if (value > 0 && value < Integer.MAX_VALUE) {
            numbers.add((int) value);
          }
        }
      }
    } catch (NoSuchFileException e) {
      return numbers;
    }
    return numbers;
  }

  /** Bytes of the segment files that exist now. */
  long diskBytes() {
    try {
      long bytes = 0;
      for (int number : numbers()) {
        try {
          bytes += Files.size(fileOf(number));
        } catch (NoSuchFileException compacted) {
          // deleted while we listed
        }
      }
      return bytes;
    } catch (IOException e) {
      return 0;
    }
  }
}
