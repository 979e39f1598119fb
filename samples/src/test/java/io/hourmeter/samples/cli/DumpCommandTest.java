package io.hourmeter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.StorageProvider;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hourmeter dump} on a Chronicle journal written through the journal port. */
class DumpCommandTest {
  /** 2026-11-23T01:00Z. */
  private static final long HOUR = 498_721;

  @TempDir
  Path dir;

  @BeforeEach
  void writeTwoHours() {
    MutableClock clock = MutableClock.atHour(HOUR);
    StorageProvider storage = ServiceLoader.load(StorageProvider.class).findFirst().orElseThrow();
    try (UsageJournal journal = storage.openJournal(new JournalSettings(dir, clock, 0, FreeSpaceProbe.fileSystem()))) {
      int users = journal.dimensionId("users");
      int requests = journal.dimensionId("requests");
      journal.append(users, 3, 0);
      journal.append(requests, 10, 0);
      clock.advance(Duration.ofMinutes(61));
      journal.append(users, 4, 0);
      journal.append(requests, 20, 0);
      journal.append(requests, 30, 0);
    }
  }

  @Test
  void dumpPrintsEveryRecordInPositionOrder() {
    CliRun run = CliRun.of("dump", dir.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("5 record(s)");
    assertThat(run.out().lines().filter(l -> l.contains("2026-11-23T01:00:00Z")).count()).isEqualTo(2);
    assertThat(run.out().lines().filter(l -> l.contains("2026-11-23T02:00:00Z")).count()).isEqualTo(3);
  }

  @Test
  void dumpFiltersByHour() {
    CliRun run = CliRun.of("dump", dir.toString(), "--hour", "2026-11-23T02", "--json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().strip()).startsWith("[{\"position\":")
        .contains("{\"hour\":\"2026-11-23T02:00:00Z\",\"dimension\":\"users\",\"quantity\":4,\"tagSet\":0,\"tags\":\"\"}".substring(1))
        .doesNotContain("2026-11-23T01:00:00Z");
    assertThat(run.out().split("\"position\"")).hasSize(4);
  }

  @Test
  void dumpFiltersByTimeRangeAndDimension() {
    CliRun firstHourOnly = CliRun.of("dump", dir.toString(), "--from", "2026-11-23T00:30:00Z",
        "--to", "2026-11-23T02:00:00Z", "--json");
    CliRun requestsOnly = CliRun.of("dump", dir.toString(), "--dimension", "requests", "--json");

    assertThat(firstHourOnly.out().split("\"position\"")).hasSize(3);
    assertThat(firstHourOnly.out()).doesNotContain("2026-11-23T02:00:00Z");
    assertThat(requestsOnly.out().split("\"position\"")).hasSize(4);
    assertThat(requestsOnly.out()).doesNotContain("\"users\"");
  }

  @Test
  void dumpRejectsABadTimeWithOneLine() {
    CliRun run = CliRun.of("dump", dir.toString(), "--from", "yesterday");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("hourmeter: --from must be an ISO-8601 UTC instant such as "
        + "2026-11-23T01:30:00Z, not 'yesterday'");
  }
}
