package io.hourmeter.samples.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Shows the demo's progress: a status line redrawn in place on a terminal, or a plain line every few
 * seconds when the output is not a terminal (CI logs, tests). Fed with the metering process's
 * {@code progress key=value...} lines; a SaaS metering process adds its pending and quarantined buyers.
 *
 * <p>Thread-safe: the reader of the child's output calls {@link #update} while the demo's main thread
 * calls {@link #render} and {@link #event}.
 */
final class ProgressDisplay {
  private static final int BAR = 24;
  private static final long PLAIN_EVERY_MILLIS = 2_000;

  private final PrintStream out;
  private final boolean terminal;
  private Instant start;
  private Instant end;
  private Map<String, String> latest = Map.of();
  private long lastRecords;
  private long lastRecordsAtNanos = System.nanoTime();
  private double recordsPerSecond;
  private long recordsBeforeRestart;
  private long lastPlainAtNanos;
  private boolean lineOpen;

  /**
   * @param start the recording phase's start, on the demo clock
   * @param end   the recording phase's end, on the demo clock
   */
  ProgressDisplay(PrintStream out, boolean terminal, Instant start, Instant end) {
    this.out = out;
    this.terminal = terminal;
    this.start = start;
    this.end = end;
  }

  /** Takes one line of the metering process's output; ignores lines that are not progress. */
  synchronized void update(String line) {
    if (!line.startsWith("progress ")) {
      return;
    }
    Map<String, String> values = new HashMap<>();
    for (String pair : line.substring("progress ".length()).split(" ")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    long records = Long.parseLong(values.getOrDefault("records", "0"));
    long now = System.nanoTime();
    double seconds = (now - lastRecordsAtNanos) / 1e9;
    if (seconds >= 0.2) {
      recordsPerSecond = (records - lastRecords) / seconds;
      lastRecords = records;
      lastRecordsAtNanos = now;
    }
    latest = values;
  }

  /** Moves the recording window, once the demo knows when recording starts. */
  synchronized void window(Instant from, Instant until) {
    this.start = from;
    this.end = until;
  }

  /** Whether the current metering process has recorded anything yet. */
  synchronized boolean recording() {
    return lastRecords > 0 || Long.parseLong(latest.getOrDefault("records", "0")) > 0;
  }

  /** A new metering process starts: its counts start from zero. */
  synchronized void restarted() {
    recordsBeforeRestart += Math.max(lastRecords, Long.parseLong(latest.getOrDefault("records", "0")));
    lastRecords = 0;
    latest = Map.of();
  }

  /** Draws the status line (terminal) or, every few seconds, a plain line. */
  synchronized void render() {
    render(false);
  }

  /** Draws the final state, whenever the last plain line was printed. */
  synchronized void renderFinal() {
    render(true);
  }

  private void render(boolean force) {
    if (latest.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (!force && !terminal && now - lastPlainAtNanos < PLAIN_EVERY_MILLIS * 1_000_000) {
      return;
    }
    lastPlainAtNanos = now;
    String line = line();
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      lineOpen = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints a one-off event on its own line, without garbling the status line. */
  synchronized void event(String message) {
    finishLine();
    out.println(message);
    out.flush();
  }

  /** Ends the status line so that what follows starts on a fresh line. */
  synchronized void finishLine() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  private String line() {
    long sim = Long.parseLong(latest.getOrDefault("sim", Long.toString(start.toEpochMilli())));
    double done = Math.min(1, Math.max(0, (double) (sim - start.toEpochMilli())
        / Duration.between(start, end).toMillis()));
    int filled = (int) Math.round(done * BAR);
    long hours = Duration.between(start, end).toHours();
    long hour = Math.min(hours, 1 + (sim - start.toEpochMilli()) / 3_600_000L);
    String phase = sim < start.toEpochMilli() ? "starting" : done >= 1 ? "reporting"
        : hours == 0 ? "recording" : "hour " + hour + "/" + hours;
    String line = String.format("[%s%s] %-11s sim %s | %,7.0f rec/s | %,d records | pending %,d units | accepted %s reports",
        "#".repeat(filled), ".".repeat(BAR - filled), phase,
        Instant.ofEpochMilli(sim).toString().substring(11, 16),
        recordsPerSecond, recordsBeforeRestart + lastRecords,
        Long.parseLong(latest.getOrDefault("pending", "0")), latest.getOrDefault("accepted", "0"));
    if (latest.containsKey("pendingBuyers")) {
      // SaaS: buyers with usage not yet accepted, and those AWS refused (quarantined, probed slowly).
      line += String.format(" | buyers %s pending, %s quarantined", latest.get("pendingBuyers"),
          latest.getOrDefault("quarantinedBuyers", "0"));
    }
    return line;
  }
}
