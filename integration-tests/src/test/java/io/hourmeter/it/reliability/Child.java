package io.hourmeter.it.reliability;

import io.hourmeter.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One incarnation of {@link RecorderMain} in a real child JVM, and the files it leaves. */
final class Child implements AutoCloseable {
  private final ChildJvm jvm;
  private final Path logs;
  private final String run;

  private Child(ChildJvm jvm, Path logs, String run) {
    this.jvm = jvm;
    this.logs = logs;
    this.run = run;
  }

  /** Starts incarnation {@code run}; its output goes to {@code logs/out-<run>.txt}. */
  static Child start(Map<String, String> args, Path logs, int run) throws IOException {
    Files.createDirectories(logs);
    args.put("logs", logs.toString());
    args.put("run", Integer.toString(run));
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.add("-XX:TieredStopAtLevel=1"); // C1 only: a child lives seconds, so start-up CPU is what counts
    ChildJvm jvm = ChildJvm.start(options, RecorderMain.class, logs.resolve("out-" + run + ".txt"),
        ChildArgs.toArray(args));
    return new Child(jvm, logs, Integer.toString(run));
  }

  /** Waits until the meter is built (or the child died, or {@code timeout} passed); returns whether it is. */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    return awaitOutput("READY run=" + run, timeout);
  }

  boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains(text)) {
        return true;
      }
      if (!jvm.isAlive()) {
        return output().contains(text);
      }
      Thread.sleep(20);
    }
    return false;
  }

  String output() {
    try {
      Path out = jvm.output();
      return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  void kill() throws InterruptedException {
    jvm.kill();
  }

  boolean isAlive() {
    return jvm.isAlive();
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    return jvm.awaitExit(timeout);
  }

  /** This incarnation's status lines, parsed, oldest first; the FINAL line (if any) last. */
  List<Map<String, String>> statuses() {
    return readStatuses(logs.resolve("status-" + run + ".log"));
  }

  /** Every slow record() call this incarnation logged ({@code simulatedMillis micros thread [first-call]}). */
  List<String> slowCalls() {
    return lines(logs.resolve("slow-" + run + ".log"));
  }

  /** This incarnation's ErrorHandler lines ({@code KIND message}). */
  List<String> errors() {
    return lines(logs.resolve("errors-" + run + ".log"));
  }

  static List<Map<String, String>> readStatuses(Path file) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : lines(file)) {
      Map<String, String> parsed = StatusLine.parse(line.startsWith("FINAL ") ? line.substring(6) : line);
      if (parsed != null) {
        if (line.startsWith("FINAL ")) {
          parsed.put("final", "true");
        }
        out.add(parsed);
      }
    }
    return out;
  }

  /** How many lines of every incarnation's output under {@code logs} contain {@code text}. */
  static long countInOutputs(Path logs, String text) {
    return countInLogs(logs, "out-", text);
  }

  /**
   * How many lines of every incarnation's files under {@code logs} whose names start with {@code prefix}
   * ({@code out-}, {@code errors-}, ...) contain {@code text}.
   */
  static long countInLogs(Path logs, String prefix, String text) {
    try (java.util.stream.Stream<Path> files = Files.list(logs)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix))
          .flatMap(f -> lines(f).stream()).filter(line -> line.contains(text)).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<String> lines(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
