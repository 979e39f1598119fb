package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Latency of {@code record()} in processes that share one journal directory, each offered a fixed
 * rate (issue 14: processes 1/4, and a process SIGKILLed while appending). Not JMH: the subject is
 * several JVMs. Four processes at a modest fixed rate on 2 cores are not CPU-bound, so their latency
 * is comparable with one process's; four CPU-bound processes would only measure how the cores are
 * shared.
 *
 * <p>The parent starts {@code processes} child JVMs (the Chronicle flags, a 512 MiB heap) on one new
 * directory, waits until each has built its meter, then tells them when to start, on the wall clock.
 * Each child records 1-unit records on a handle at {@code rate} records/s: it wakes every
 * {@link #TICK_NANOS}, records the records due by then back to back, and parks. It warms up for
 * {@code warmupSeconds}, then for {@code measureSeconds} puts every call into two HdrHistograms:
 * <ul>
 *   <li>{@code service}: the call's own time, {@code nanoTime} before and after;
 *   <li>{@code corrected}: the same times corrected for coordinated omission (HdrHistogram's
 *       {@code recordValueWithExpectedInterval} at the offered interval): a call that took {@code k}
 *       intervals also counts the {@code k - 1} calls that would have waited behind it at the offered
 *       rate, so that a stall of the journal counts against every record due during it, not only the
 *       one that met it. Unlike a response time from a schedule, it leaves out the pacing's own
 *       lateness (the park's wake-up), which on a shared 2-core machine would dominate.
 * </ul>
 * and the same two over a window around the kill moment ({@code [kill - 0.5 s, kill + 2 s)}), measured
 * in every run, with or without a kill, so the two compare.
 *
 * <p>With {@code kill}, the parent SIGKILLs the last child at the middle of the measured period. So that
 * the kill most likely lands inside an append (Chronicle's cross-process write lock held, on a one-queue
 * journal), the victim appends flat out (unmeasured) from 20 ms before the kill moment to 20 ms after
 * it. With {@code burst} the victim does the same and is not killed: the control a kill run compares
 * with. Runs with neither are the plain fixed-rate runs (processes 1 and 4). Survivors' logs are scanned
 * for the journal's message that it released a dead holder's write lock, and the result says whether
 * it was seen.
 *
 * <p>Usage: {@code ProcessLatencyProbe <processes> <rate> <warmupSeconds> <measureSeconds> <output.jsonl>
 * [kill | burst] [label=<text>]}. One JSON line per surviving process is appended to the output, one for them
 * all ({@code all(n)}, the histograms added) and one for the first {@code processes - 1} children
 * ({@code firstN-1}: the survivors of a kill run, and the same children in a run without one).
 */
public final class ProcessLatencyProbe {
  static final long TICK_NANOS = 1_000_000;
  static final long WINDOW_BEFORE_NANOS = 500_000_000L;
  static final long WINDOW_AFTER_NANOS = 2_000_000_000L;
  static final long FLAT_OUT_BEFORE_NANOS = 20_000_000L;
  static final long FLAT_OUT_AFTER_NANOS = 20_000_000L;
  static final String LOCK_RELEASED = "Released the journal's write lock";

  private ProcessLatencyProbe() { }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child(args);
      return;
    }
    if (args.length < 5) {
      System.err.println("usage: ProcessLatencyProbe <processes> <rate> <warmupSeconds> <measureSeconds> "
          + "<output.jsonl> [kill | burst] [label=<text>]");
      System.exit(2);
    }
    int processes = Integer.parseInt(args[0]);
    long rate = Long.parseLong(args[1]);
    double warmup = Double.parseDouble(args[2]);
    double measure = Double.parseDouble(args[3]);
    Path output = Path.of(args[4]);
    boolean kill = false;
    boolean burst = false;
    String label = "";
    for (int i = 5; i < args.length; i++) {
      if (args[i].equals("kill")) {
        kill = true;
        burst = true;
      } else if (args[i].equals("burst")) {
        burst = true;
      } else if (args[i].startsWith("label=")) {
        label = args[i].substring("label=".length());
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (burst && processes < 2) {
      throw new IllegalArgumentException("a kill or burst needs at least 2 processes, to leave survivors");
    }
    parent(processes, rate, warmup, measure, output, kill, burst, label);
  }

  private static void parent(int processes, long rate, double warmupSeconds, double measureSeconds, Path output,
      boolean kill, boolean burst, String label) throws Exception {
    Path directory = BenchDirectories.create("processes");
    Path logs = Files.createTempDirectory(directory.getParent(), "hourmeter-processes-logs-");
    List<Process> children = new ArrayList<>();
    List<Path> results = new ArrayList<>();
    List<Path> errs = new ArrayList<>();
    try {
      long startMillis = 0;
      // The kill moment, relative to the start: the middle of the measured period.
      long killOffsetNanos = (long) ((warmupSeconds + measureSeconds / 2) * 1e9);
      for (int p = 0; p < processes; p++) {
        Path result = logs.resolve("child-" + p + ".hgrm");
        Path err = logs.resolve("child-" + p + ".err");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(BenchmarkJvm.chronicleFlags());
        command.add("-Xms512m");
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ProcessLatencyProbe.class.getName());
        command.addAll(List.of("child", directory.toString(), Long.toString(rate), Double.toString(warmupSeconds),
            Double.toString(measureSeconds), Long.toString(killOffsetNanos),
            Boolean.toString(burst && p == processes - 1), result.toString()));
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        children.add(process);
        results.add(result);
        errs.add(err);
        // One at a time, so that the first child is the drainer: the victim (the last) only appends.
        awaitLine(process, "ready", errs.get(p));
      }
      startMillis = System.currentTimeMillis() + 300;
      for (Process process : children) {
        try (Writer in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
          in.write(startMillis + "\n");
        }
      }
      if (kill) {
        long killAt = startMillis + killOffsetNanos / 1_000_000;
        long wait;
        while ((wait = killAt - System.currentTimeMillis()) > 0) {
          Thread.sleep(wait);
        }
        Process victim = children.get(processes - 1);
        victim.destroyForcibly(); // SIGKILL on Linux
        victim.waitFor();
      }
      int survivors = kill ? processes - 1 : processes;
      long timeoutMillis = (long) ((warmupSeconds + measureSeconds) * 1000) + 120_000;
      boolean lockReleased = false;
      Histogram[] all = {newHistogram(), newHistogram(), newHistogram(), newHistogram()};
      // The first processes - 1 children: the survivors of a kill run, and the same children without one.
      Histogram[] allButLast = {newHistogram(), newHistogram(), newHistogram(), newHistogram()};
      List<String> lines = new ArrayList<>();
      for (int p = 0; p < processes; p++) {
        int child = p;
        Process process = children.get(p);
        if (kill && p == processes - 1) {
          continue;
        }
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
          throw new IllegalStateException("child " + p + " failed: " + Files.readString(errs.get(p)));
        }
        Histogram[] mine = readHistograms(results.get(p));
        for (int h = 0; h < all.length; h++) {
          all[h].add(mine[h]);
          if (p < processes - 1) {
            allButLast[h].add(mine[h]);
          }
        }
        String err = Files.readString(errs.get(p));
        boolean released = err.contains(LOCK_RELEASED);
        err.lines().filter(l -> l.contains("WARN") || l.contains("ERROR"))
            .forEach(l -> System.err.println("child-" + child + ": " + l));
        lockReleased |= released;
        lines.add(json(label, processes, rate, measureSeconds, kill, burst, "child-" + p, mine, released));
      }
      lines.add(json(label, processes, rate, measureSeconds, kill, burst, "all(" + survivors + ")", all, lockReleased));
      if (processes > 1) {
        lines.add(json(label, processes, rate, measureSeconds, kill, burst, "firstN-1", allButLast, lockReleased));
      }
      for (String line : lines) {
        System.out.println(line);
        PairedRatioProbe.append(output, line);
      }
    } finally {
      for (Process process : children) {
        if (process.isAlive()) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      }
      BenchDirectories.delete(directory);
      BenchDirectories.delete(logs);
    }
  }

  private static String json(String label, int processes, long rate, double measureSeconds, boolean kill,
      boolean burst, String who, Histogram[] h, boolean lockReleased) {
    return String.format(Locale.ROOT, "{\"label\":\"%s\",\"processes\":%d,\"ratePerProcess\":%d,"
            + "\"measureSeconds\":%.1f,\"kill\":%b,\"burst\":%b,\"who\":\"%s\",\"records\":%d,"
            + "\"serviceP50\":%d,\"serviceP99\":%d,\"serviceP999\":%d,\"serviceMax\":%d,"
            + "\"correctedP50\":%d,\"correctedP99\":%d,\"correctedP999\":%d,\"correctedMax\":%d,"
            + "\"windowRecords\":%d,\"windowServiceP999\":%d,\"windowServiceMax\":%d,"
            + "\"windowCorrectedP999\":%d,\"windowCorrectedMax\":%d,\"deadHolderLockReleased\":%b}",
        label, processes, rate, measureSeconds, kill, burst, who, h[0].getTotalCount(),
        h[0].getValueAtPercentile(50), h[0].getValueAtPercentile(99), h[0].getValueAtPercentile(99.9),
        h[0].getMaxValue(),
        h[1].getValueAtPercentile(50), h[1].getValueAtPercentile(99), h[1].getValueAtPercentile(99.9),
        h[1].getMaxValue(),
        h[2].getTotalCount(), h[2].getValueAtPercentile(99.9), h[2].getMaxValue(),
        h[3].getValueAtPercentile(99.9), h[3].getMaxValue(), lockReleased);
  }

  private static void awaitLine(Process process, String expected, Path err) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!expected.equals(line)) {
      throw new IllegalStateException("a child said '" + line + "' instead of '" + expected + "': "
          + Files.readString(err));
    }
  }

  /** Nanoseconds, up to 60 s, 3 significant digits. */
  static Histogram newHistogram() {
    return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
  }

  private static Histogram[] readHistograms(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    Histogram[] histograms = new Histogram[lines.size()];
    for (int i = 0; i < histograms.length; i++) {
      byte[] bytes = java.util.Base64.getDecoder().decode(lines.get(i));
      try {
        histograms[i] = Histogram.decodeFromCompressedByteBuffer(java.nio.ByteBuffer.wrap(bytes), 0);
      } catch (java.util.zip.DataFormatException e) {
        throw new IOException("decoding " + file, e);
      }
    }
    return histograms;
  }

  /**
   * {@code child <directory> <rate> <warmupSeconds> <measureSeconds> <killOffsetNanos> <burst> <result>}:
   * builds a meter, says "ready", reads the start time (epoch millis) from stdin, records, writes its
   * four histograms (service, corrected, window service, window corrected) to the result file.
   */
  private static void child(String[] args) throws IOException {
    Path directory = Path.of(args[1]);
    long rate = Long.parseLong(args[2]);
    long warmupNanos = (long) (Double.parseDouble(args[3]) * 1e9);
    long measureNanos = (long) (Double.parseDouble(args[4]) * 1e9);
    long killOffsetNanos = Long.parseLong(args[5]);
    boolean victim = Boolean.parseBoolean(args[6]);
    Path result = Path.of(args[7]);
    Histogram service = newHistogram();
    Histogram corrected = newHistogram();
    Histogram windowService = newHistogram();
    Histogram windowCorrected = newHistogram();
    try (Meter meter = MeterFixture.builder(directory, InstantSource.system(), MeterFixture.acceptingSubmitter())
        .build()) {
      Dimension users = meter.dimension(MeterFixture.USERS);
      System.out.println("ready");
      System.out.flush();
      long startMillis = Long.parseLong(new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.UTF_8)).readLine().strip());
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startMillis - System.currentTimeMillis());
      long measureFrom = start + warmupNanos;
      long end = measureFrom + measureNanos;
      long windowFrom = start + killOffsetNanos - WINDOW_BEFORE_NANOS;
      long windowTo = start + killOffsetNanos + WINDOW_AFTER_NANOS;
      long flatOutFrom = start + killOffsetNanos - FLAT_OUT_BEFORE_NANOS;
      long flatOutTo = start + killOffsetNanos + FLAT_OUT_AFTER_NANOS;
      double intervalNanos = 1e9 / rate;
      long expectedInterval = Math.max(1, (long) intervalNanos);
      while (System.nanoTime() < start) {
        LockSupport.parkNanos(start - System.nanoTime());
      }
      long done = 0;
      long now;
      while ((now = System.nanoTime()) < end) {
        if (victim && now >= flatOutFrom && now < flatOutTo) {
          // Flat out, so that a kill lands inside an append; not measured, and the schedule moves on.
          for (int i = 0; i < 1000; i++) {
            record(users);
          }
          done = (long) ((System.nanoTime() - start) / intervalNanos);
          continue;
        }
        long due = (long) ((now - start) / intervalNanos);
        for (; done < due; done++) {
          long before = System.nanoTime();
          record(users);
          long after = System.nanoTime();
          long took = after - before;
          if (before >= measureFrom) {
            service.recordValue(took);
            corrected.recordValueWithExpectedInterval(took, expectedInterval);
          }
          if (before >= windowFrom && before < windowTo) {
            windowService.recordValue(took);
            windowCorrected.recordValueWithExpectedInterval(took, expectedInterval);
          }
        }
        long next = start + (long) (done * intervalNanos) + TICK_NANOS;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          LockSupport.parkNanos(sleep);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (Histogram histogram : new Histogram[] {service, corrected, windowService, windowCorrected}) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
      int length = histogram.encodeIntoCompressedByteBuffer(buffer);
      out.append(java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)))
          .append('\n');
    }
    try {
      Files.writeString(result, out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + result, e);
    }
  }

  private static void record(Dimension users) {
    if (!users.record(1)) {
      throw new IllegalStateException("record() was refused");
    }
  }
}
