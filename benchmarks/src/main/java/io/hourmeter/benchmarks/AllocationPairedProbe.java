package io.hourmeter.benchmarks;

import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.Tags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code record()} on an allocation handle ({@code dimension("users").allocation(Tags.of("team",
 * "blue"))}) against the plain handle of the same dimension, on one meter and one thread, in paired
 * blocks of {@link SaasPairedProbe#BLOCK} calls in alternating order, as {@link SaasPairedProbe}
 * measures the SaaS handle: the machine's load hits both sides of each ratio alike. Target: at most
 * 1.1x. The meter runs as in production (Chronicle journal, system clock, drainer thread on).
 *
 * <p>Usage: {@code AllocationPairedProbe <warmupSeconds> <measureSeconds> <output.jsonl>}.
 */
public final class AllocationPairedProbe {
  private AllocationPairedProbe() { }

  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: AllocationPairedProbe <warmupSeconds> <measureSeconds> <output.jsonl>");
      System.exit(2);
    }
    long warmupNanos = (long) (Double.parseDouble(args[0]) * 1e9);
    long measureNanos = (long) (Double.parseDouble(args[1]) * 1e9);
    Path output = Path.of(args[2]);
    Path directory = BenchDirectories.create("allocation-paired");
    try (Meter meter = MeterFixture.builder(directory, InstantSource.system(), MeterFixture.acceptingSubmitter()).build()) {
      Dimension plain = meter.dimension(MeterFixture.USERS);
      Dimension tagged = plain.allocation(Tags.of("team", "blue"));
      run(plain, tagged, warmupNanos);
      String line = run(plain, tagged, measureNanos);
      System.out.println(line);
      try {
        Files.writeString(output, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + output, e);
      }
    } finally {
      BenchDirectories.delete(directory);
    }
  }

  /** Paired blocks for {@code nanos}; the summary as one JSON line. */
  static String run(Dimension plain, Dimension tagged, long nanos) {
    int capacity = 1024;
    double[] p = new double[capacity];
    double[] t = new double[capacity];
    int n = 0;
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      if (n == capacity) {
        capacity *= 2;
        p = Arrays.copyOf(p, capacity);
        t = Arrays.copyOf(t, capacity);
      }
      if ((n & 1) == 0) {
        p[n] = PairedRatioProbe.handleBlock(plain);
        t[n] = PairedRatioProbe.handleBlock(tagged);
      } else {
        t[n] = PairedRatioProbe.handleBlock(tagged);
        p[n] = PairedRatioProbe.handleBlock(plain);
      }
      n++;
    }
    double[] ratio = new double[n];
    for (int i = 0; i < n; i++) {
      ratio[i] = t[i] / p[i];
    }
    p = Arrays.copyOf(p, n);
    t = Arrays.copyOf(t, n);
    return String.format(Locale.ROOT, "{\"pairs\":%d,\"block\":%d,\"plainNs\":%.2f,\"allocationNs\":%.2f,"
            + "\"allocationToPlain\":%.4f,\"allocationToPlainP25\":%.4f,\"allocationToPlainP75\":%.4f}",
        n, SaasPairedProbe.BLOCK, PairedRatioProbe.quantile(p, 0.5), PairedRatioProbe.quantile(t, 0.5),
        PairedRatioProbe.quantile(ratio, 0.5), PairedRatioProbe.quantile(ratio, 0.25),
        PairedRatioProbe.quantile(ratio, 0.75));
  }
}
