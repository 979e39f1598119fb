package io.hourmeter.it.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the recording threads' {@link RecordLog}s say was recorded, per key (the dimension, or in SaaS
 * mode the buyer and the dimension, {@link Keys}).
 *
 * @param recorded units whose {@code record()} returned true
 * @param refused  units whose {@code record()} returned false
 * @param inDoubt  units whose call had started when the process was killed, with no outcome logged
 * @param calls    record() calls with a logged outcome
 */
record GroundTruth(Map<String, Long> recorded, Map<String, Long> refused, Map<String, Long> inDoubt,
    long calls) {

  static final String LOG_GLOB = "rec-*.log";

  /** Reads every {@code rec-*.log} under {@code directory} (recursively). */
  static GroundTruth read(Path directory) {
    Map<String, Long> recorded = new TreeMap<>();
    Map<String, Long> refused = new TreeMap<>();
    Map<String, Long> inDoubt = new TreeMap<>();
    long calls = 0;
    for (Path file : logFiles(directory)) {
      calls += readOne(file, recorded, refused, inDoubt);
    }
    return new GroundTruth(recorded, refused, inDoubt, calls);
  }

  /** Ground truth from in-process counters, where nothing can be in doubt. */
  static GroundTruth of(Map<String, Long> recorded, Map<String, Long> refused) {
    return new GroundTruth(new TreeMap<>(recorded), new TreeMap<>(refused), new TreeMap<>(), -1);
  }

  long recorded(String dimension) {
    return recorded.getOrDefault(dimension, 0L);
  }

  long refused(String dimension) {
    return refused.getOrDefault(dimension, 0L);
  }

  long inDoubt(String dimension) {
    return inDoubt.getOrDefault(dimension, 0L);
  }

  long totalRefused() {
    return refused.values().stream().mapToLong(Long::longValue).sum();
  }

  long totalRecorded() {
    return recorded.values().stream().mapToLong(Long::longValue).sum();
  }

  private static List<Path> logFiles(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(p -> p.getFileName().toString().matches("rec-.*\\.log")).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long readOne(Path file, Map<String, Long> recorded, Map<String, Long> refused,
      Map<String, Long> inDoubt) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A line cut by SIGKILL has no newline: it is ignored, and its call is in doubt or not yet begun.
    int end = text.lastIndexOf('\n');
    String complete = end < 0 ? "" : text.substring(0, end);
    Map<Long, String[]> open = new HashMap<>();
    long calls = 0;
    for (String line : complete.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split(" ");
      switch (parts[0]) {
        case "I" -> {
          if (!open.isEmpty()) {
            throw new IllegalStateException(file + ": a new call began before the last one's outcome: "
                + line);
          }
          open.put(Long.parseLong(parts[1]), parts);
        }
        case "+", "-" -> {
          String[] intent = open.remove(Long.parseLong(parts[1]));
          if (intent == null) {
            throw new IllegalStateException(file + ": outcome without intent: " + line);
          }
          (parts[0].equals("+") ? recorded : refused).merge(intent[2], Long.parseLong(intent[3]), Long::sum);
          calls++;
        }
        default -> throw new IllegalStateException(file + ": unreadable line: " + line);
      }
    }
    for (String[] intent : open.values()) {
      inDoubt.merge(intent[2], Long.parseLong(intent[3]), Long::sum);
    }
    return calls;
  }
}
