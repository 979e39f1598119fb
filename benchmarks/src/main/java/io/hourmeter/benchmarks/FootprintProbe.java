package io.hourmeter.benchmarks;

import io.hourmeter.Meter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Disk bytes per record, the meter's retained heap after {@code records} records, and the recording
 * thread's own allocation per {@code record()}, measured in a JVM of its own (run.sh starts one per
 * record count, with the Chronicle flags and a fixed heap). Not a JMH benchmark: these are sizes, not
 * times.
 *
 * <p>Per repeat: a fresh directory; a meter with its drainer thread running records {@code records}
 * 1-unit records; once {@code status()} shows all of them pending (the drainer has summed them), the
 * heap is measured after full GCs and compared with the heap measured the same way before the meter was
 * built. Then the meter is closed and the directory's allocated blocks ({@code du}) are divided by the
 * record count. One JSON object per repeat is appended to the output file.
 *
 * <p>Usage: {@code FootprintProbe <records> <repeats> <output.jsonl> [saas]}. With {@code saas} the
 * meter is a SAAS meter and the records go to 10,000 buyers x 3 dimensions on customer handles, drawn
 * at random (SaasAggregationBenchmark's shape): its heap should not grow with the record count either.
 */
public final class FootprintProbe {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private FootprintProbe() { }

  public static void main(String[] args) {
    if (args.length < 3 || args.length > 4 || args.length == 4 && !args[3].equals("saas")) {
      System.err.println("usage: FootprintProbe <records> <repeats> <output.jsonl> [saas]");
      System.exit(2);
    }
    long records = Long.parseLong(args[0]);
    int repeats = Integer.parseInt(args[1]);
    Path output = Path.of(args[2]);
    boolean saas = args.length == 4;
    InstantSource clock = BenchClock.stoppedInOpenHour();
    measure(clock, 10_000, false);
    for (int repeat = 1; repeat <= repeats; repeat++) {
      String line = measure(clock, records, saas).toJson(repeat, saas);
      System.out.println(line);
      PairedRatioProbe.append(output, line);
    }
  }

  /**
   * @param callerBytesPerRecord bytes the recording thread itself allocated per {@code record()}, from
   *                             its own allocation counter (JMH's gc profiler sums every thread of the
   *                             JVM, the drainer and the free-space sampler included); measured after
   *                             the first half of the records, once the JIT has compiled the hot path
   */
  record Footprint(long records, long retainedHeapBytes, long allocatedDiskBytes, long apparentDiskBytes,
      double callerBytesPerRecord, double fillSeconds, double drainSeconds) {

    String toJson(int repeat, boolean saas) {
      return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"records\":%d,\"repeat\":%d,\"retainedHeapBytes\":%d,"
              + "\"allocatedDiskBytes\":%d,\"apparentDiskBytes\":%d,\"diskBytesPerRecord\":%.3f,"
              + "\"callerBytesPerRecord\":%.4f,\"fillSeconds\":%.3f,\"drainSeconds\":%.3f}",
          saas ? "SAAS 10000x3" : "HOURLY", records, repeat, retainedHeapBytes, allocatedDiskBytes, apparentDiskBytes,
          (double) allocatedDiskBytes / records, callerBytesPerRecord, fillSeconds, drainSeconds);
    }
  }

  static Footprint measure(InstantSource clock, long records, boolean saas) {
    Path directory = BenchDirectories.create("footprint");
    try {
      long heapBefore = usedHeapAfterGc();
      long start = System.nanoTime();
      long heapAfter;
      double fillSeconds;
      double drainSeconds;
      double callerBytesPerRecord;
      try (Meter meter = saas ? SaasAggregationBenchmark.builder(directory, clock).build()
          : MeterFixture.builder(directory, clock, MeterFixture.acceptingSubmitter()).build()) {
        long firstHalf = records / 2;
        io.hourmeter.Dimension[] handles = saas ? saasHandles(meter) : null;
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        fill(meter, handles, random, firstHalf);
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        fill(meter, handles, random, records - firstHalf);
        callerBytesPerRecord = (double) (THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore)
            / (records - firstHalf);
        long filled = System.nanoTime();
        while (MeterFixture.pendingUnits(meter.status()) < records) {
          LockSupport.parkNanos(1_000_000);
        }
        long drained = System.nanoTime();
        fillSeconds = (filled - start) / 1e9;
        drainSeconds = (drained - filled) / 1e9;
        heapAfter = usedHeapAfterGc();
      }
      return new Footprint(records, heapAfter - heapBefore, BenchDirectories.allocatedBytes(directory),
          BenchDirectories.apparentBytes(directory), callerBytesPerRecord, fillSeconds, drainSeconds);
    } finally {
      BenchDirectories.delete(directory);
    }
  }

  private static io.hourmeter.Dimension[] saasHandles(Meter meter) {
    String[] dims = SaasAggregationBenchmark.DIMENSIONS;
    io.hourmeter.Dimension[] handles = new io.hourmeter.Dimension[10_000 * dims.length];
    for (int c = 0; c < 10_000; c++) {
      io.hourmeter.Customer customer = meter.customer(SaasAggregationBenchmark.buyer(c));
      for (int d = 0; d < dims.length; d++) {
        handles[c * dims.length + d] = customer.dimension(dims[d]);
      }
    }
    return handles;
  }

  private static void fill(Meter meter, io.hourmeter.Dimension[] handles, java.util.SplittableRandom random,
      long records) {
    if (handles == null) {
      JournalFill.record(meter, records);
      return;
    }
    for (long i = 0; i < records; i++) {
      if (!handles[random.nextInt(handles.length)].record(1)) {
        throw new IllegalStateException("the journal refused record " + i);
      }
    }
  }

  /** Heap in use after full collections, once two readings in a row agree within 64 KiB. */
  static long usedHeapAfterGc() {
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      LockSupport.parkNanos(50_000_000);
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < 64 * 1024) {
        return used;
      }
      previous = used;
    }
    return previous;
  }
}
