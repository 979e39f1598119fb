package io.hourmeter.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hourmeter.Dimension;
import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Scenario 4, disk pressure: the journal's file system runs low. {@code record()} must refuse units
 * (returning false) instead of letting Chronicle crash the JVM, count and report them (status
 * refusedUnits, ErrorHandler DISK_LOW), and record again once space is freed; and what was journaled
 * must still reconcile. Two variants: a real 16 MiB tmpfs filled by another writer, in a child JVM (when
 * the machine lets the test mount one), and an injected free-space probe, in process (always).
 */
@Execution(ExecutionMode.CONCURRENT)
class DiskPressureTest {
  static final String[] DIMENSIONS = {"users", "requests"};

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @Test
  void injectedLowDiskRefusesCountsReportsAndResumes() throws Exception {
    SharedClock time = SharedClock.startingNow(Duration.ofSeconds(4));
    InstantSource clock = time.clock();
    long threshold = 64L * 1024 * 1024;
    AtomicLong free = new AtomicLong(10L * 1024 * 1024 * 1024);
    List<HourmeterException> alerts = new CopyOnWriteArrayList<>();
    Tally tally = new Tally();
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS);
         Meter meter = ScaledMeter.build(tmp, MeteringMode.HOURLY, clock, ScaledMeter.submitter(endpoint.uri(), clock),
             threshold, dir -> free.get(), alerts::add, null, DIMENSIONS)) {
      Dimension users = meter.dimension("users");
      Dimension requests = meter.dimension("requests");
      recordFor(Duration.ofMillis(300), tally, users, requests);
      free.set(threshold - 1);
      boolean refusedSome = recordUntil(Duration.ofSeconds(10), tally, users, requests, false);
      MeterStatus low = meter.status();
      recordFor(Duration.ofMillis(300), tally, users, requests);
      free.set(10L * 1024 * 1024 * 1024);
      boolean resumed = recordUntil(Duration.ofSeconds(10), tally, users, requests, true);
      recordFor(Duration.ofMillis(300), tally, users, requests);
      MeterStatus status = ExternalDuplicateTest.awaitDrained(meter, clock, clock.millis() + Duration.ofHours(1).plusMinutes(5).toMillis());

      Reconciliation reconciliation = Reconciliation.builder("disk pressure, injected probe", MeteringMode.HOURLY)
          .truth(tally.truth())
          .observed(endpoint, tmp)
          .status(status)
          .build();
      System.out.println(reconciliation.table());
      assertThat(refusedSome).as("record() refused units once the disk was low").isTrue();
      assertThat(low.diskLow()).as("status.diskLow while low").isTrue();
      assertThat(resumed).as("record() journaled again once space was freed").isTrue();
      assertThat(status.diskLow()).as("status.diskLow after space was freed").isFalse();
      assertThat(tally.truth().totalRefused()).isPositive();
      assertThat(reconciliation.violations()).isEmpty();
      awaitAlert(alerts, HourmeterException.Kind.DISK_LOW);
    }
  }

  @Test
  void aFullTmpfsJournalRefusesInsteadOfCrashingAndResumesWhenSpaceIsFreed() throws Exception {
    Path mount = tmp.resolve("tmpfs");
    Files.createDirectories(mount);
    String why = mountTmpfs(mount, "16m");
    assumeTrue(why == null, () -> "cannot mount a 16 MiB tmpfs here, so only the injected-probe variant runs: " + why);
    try {
      fillAndFree(mount);
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  private void fillAndFree(Path mount) throws Exception {
    SharedClock time = SharedClock.startingNow(Duration.ofSeconds(4));
    InstantSource clock = time.clock();
    // The journal refuses below minFree plus its own reserve for Chronicle's next mapped block (4 MiB),
    // so with 2 MiB here it refuses below about 6 MiB; the filler leaves 3 MiB.
    long minFree = 2L * 1024 * 1024;
    long leave = 3L * 1024 * 1024;
    Path journal = mount.resolve("journal");
    Path logs = tmp.resolve("logs");
    Path stop = tmp.resolve("stop");
    Path filler = mount.resolve("filler");
    try (EndpointFixture endpoint = new EndpointFixture(clock, DIMENSIONS)) {
      Map<String, String> args = new LinkedHashMap<>();
      args.put("dir", journal.toString());
      args.put("mode", MeteringMode.HOURLY.name());
      args.put("dims", String.join(",", DIMENSIONS));
      args.put("endpoint", endpoint.uri().toString());
      time.putArgs(args);
      args.put("threads", "2");
      args.put("pauseMicros", "1000");
      args.put("recordUntil", Long.toString(Long.MAX_VALUE));
      args.put("stopFile", stop.toString());
      args.put("drain", "true");
      args.put("minFree", Long.toString(minFree));
      try (Child child = Child.start(args, logs, 0)) {
        assertThat(child.awaitReady(Duration.ofSeconds(60))).as("ready; output:\n" + child.output()).isTrue();
        Thread.sleep(1_000);
        long leftFree = fill(filler, mount, leave);
        assertThat(awaitStatus(child, s -> "true".equals(s.get("diskLow")) && Long.parseLong(s.get("refusedUnits")) > 0,
            Duration.ofSeconds(20))).as("the child reported diskLow and refused units; output:\n" + child.output()).isTrue();
        Thread.sleep(time.real(Duration.ofMinutes(30)).toMillis());
        assertThat(child.isAlive()).as("the child survived the full disk; output:\n" + child.output()).isTrue();
        Files.delete(filler);
        assertThat(awaitStatus(child, s -> "false".equals(s.get("diskLow")), Duration.ofSeconds(20)))
            .as("diskLow cleared after space was freed").isTrue();
        long journaledBefore = GroundTruth.read(logs).totalRecorded();
        Thread.sleep(1_000);
        assertThat(GroundTruth.read(logs).totalRecorded()).as("recording resumed").isGreaterThan(journaledBefore);
        Files.createFile(stop);
        int exit = child.awaitExit(time.real(Duration.ofHours(4)).plusSeconds(60));
        assertThat(exit).as("exit code; output:\n" + child.output()).isZero();

        List<Map<String, String>> statuses = child.statuses();
        Map<String, String> last = statuses.get(statuses.size() - 1);
        Reconciliation reconciliation = Reconciliation.builder("disk pressure, 16 MiB tmpfs filled to "
            + leftFree / 1024 + " KiB free", MeteringMode.HOURLY)
            .truth(GroundTruth.read(logs))
            .observed(endpoint, journal)
            .pending(StatusLine.decodeMap(last.get("pendingByDimension")))
            .refusedCounted(Long.parseLong(last.get("refusedUnits")))
            .build();
        System.out.println(reconciliation.table());
        assertThat(reconciliation.violations()).isEmpty();
        assertThat(child.errors()).as("ErrorHandler calls").anyMatch(e -> e.startsWith("DISK_LOW"));
      }
    }
  }

  /** Writes {@code filler} until the file system has at most {@code leave} usable bytes; returns what is left. */
  private static long fill(Path filler, Path mount, long leave) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (RandomAccessFile out = new RandomAccessFile(filler.toFile(), "rw")) {
      while (true) {
        long usable = Files.getFileStore(mount).getUsableSpace();
        if (usable <= leave) {
          return usable;
        }
        out.write(block, 0, (int) Math.min(block.length, usable - leave + 4096));
        out.getFD().sync();
      }
    }
  }

  private static boolean awaitStatus(Child child, java.util.function.Predicate<Map<String, String>> test,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Map<String, String>> statuses = child.statuses();
      if (!statuses.isEmpty() && test.test(statuses.get(statuses.size() - 1))) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static void recordFor(Duration period, Tally tally, Dimension... dimensions) throws InterruptedException {
    long end = System.nanoTime() + period.toNanos();
    int i = 0;
    while (System.nanoTime() < end) {
      Dimension d = dimensions[i++ % dimensions.length];
      tally.add(d.name(), 3, d.record(3));
      Thread.sleep(1);
    }
  }

  /** Records until a call returns {@code expected}; returns whether one did in time. */
  private static boolean recordUntil(Duration timeout, Tally tally, Dimension users, Dimension requests, boolean expected)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    int i = 0;
    while (System.nanoTime() < end) {
      Dimension d = i++ % 2 == 0 ? users : requests;
      boolean journaled = d.record(2);
      tally.add(d.name(), 2, journaled);
      if (journaled == expected) {
        return true;
      }
      Thread.sleep(1);
    }
    return false;
  }

  private static void awaitAlert(List<HourmeterException> alerts, HourmeterException.Kind kind) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && alerts.stream().noneMatch(e -> e.kind() == kind)) {
      Thread.sleep(20);
    }
    assertThat(alerts).as("ErrorHandler alerts").anyMatch(e -> e.kind() == kind);
  }

  /** Mounts a tmpfs; returns null, or why it could not. */
  private static String mountTmpfs(Path at, String size) {
    try {
      Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor() == 0 ? null : "mount exited " + p.exitValue() + ": " + out.strip();
    } catch (IOException e) {
      return "mount could not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static void run(String... command) {
    try {
      new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println(String.join(" ", command) + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
