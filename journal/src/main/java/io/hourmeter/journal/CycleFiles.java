package io.hourmeter.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The hourly cycle files of a journal directory, named by Chronicle's {@code FAST_HOURLY} format in UTC.
 * Listed from the directory itself, because Chronicle's own listing throws for a range whose ends have
 * no file.
 */
final class CycleFiles {
  private static final String SUFFIX = ".cq4";
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern(ChronicleQueues.ROLL_CYCLE.format()).withZone(ZoneOffset.UTC);

  private CycleFiles() { }

  /** The epoch hours that have a cycle file, oldest first. */
  static NavigableSet<Long> hours(Path directory) {
    NavigableSet<Long> hours = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        Long hour = hourOf(file.getFileName().toString());
        if (hour != null) {
          hours.add(hour);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the journal directory " + directory, e);
    }
    return hours;
  }

  /** The file name of an hour's cycle. */
  static String fileName(long epochHour) {
    return NAME.format(Instant.EPOCH.plus(epochHour, ChronoUnit.HOURS)) + SUFFIX;
  }

  private static Long hourOf(String fileName) {
    String stem = fileName.substring(0, fileName.length() - SUFFIX.length());
    try {
      return Math.floorDiv(Instant.from(NAME.parse(stem)).toEpochMilli(), MonotonicHourClock.HOUR_MILLIS);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
