package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.journal.LedgerCommitChild.Workload;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM commits numbered batches until SIGKILL; meanwhile this JVM loads the ledger as the CLI
 * would, from another process. Every load, during the commits and after each kill, must be exactly the
 * state after one whole batch, and after a kill at least the last batch the child logged as returned.
 */
class LedgerKillTest {
  private static final int RUNS = 6;

  @TempDir
  Path temp;

  private final TreeMap<String, String> model = new TreeMap<>();
  private int modelBatch = -1;
  private Workload workload;
  private int concurrentLoads;
  /** Runs whose last returned commit left a compaction of the oldest segment half done. */
  private int killsMidCompaction;
  private SortedMap<String, String> lastState;

  @Test
  void loadsDuringCommitsAndAfterSigkillSeeOneWholeCommitNeverAPartOfOne() throws Exception {
    Path directory = runAndKill(Workload.SMALL);
    assertThat(concurrentLoads).isGreaterThan(RUNS);
    try (Stream<Path> files = Files.list(directory)) {
      List<String> generations = files.map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("ledger.") && n.endsWith(".log")).toList();
      assertThat(generations).as("compaction ran and left one generation").hasSize(1)
          .noneMatch(n -> n.equals("ledger.000000000001.log"));
    }
  }

  @Test
  void sigkillDuringChunkedCompactionAcrossSegmentsLosesNothing() throws Exception {
    Path directory = runAndKill(Workload.SEGMENTED);
    assertThat(concurrentLoads).isGreaterThan(RUNS);
    assertThat(killsMidCompaction).as("runs killed while a compaction was half done").isPositive();
    assertThat(segmentFiles(directory)).as("compaction deleted the first segments")
        .noneMatch(n -> n.equals("ledger.000000000001.log"));
    assertThat(lastState).as("entries put once by the first batches, copied forward by compaction")
        .containsKeys("pinned/0", "pinned/19");
  }

  /** Runs the child {@link #RUNS} times, killing it at a random moment; returns the ledger directory. */
  private Path runAndKill(Workload chosen) throws Exception {
    workload = chosen;
    Path directory = temp.resolve("journal");
    Path log = temp.resolve("commits.log");
    Random random = new Random();
    for (int run = 0; run < RUNS; run++) {
      try (ChildJvm child = ChildJvm.start(LedgerCommitChild.class, temp.resolve("child-" + run + ".out"),
          directory.toString(), log.toString(), workload.name())) {
        JournalTesting.awaitOutput(child, "READY", Duration.ofSeconds(60));
        long until = System.nanoTime() + Duration.ofMillis(200 + random.nextInt(700)).toNanos();
        while (System.nanoTime() < until) {
          try (ReportLedger reader = FileReportLedger.open(directory)) {
            assertWholeCommit(reader.load());
            concurrentLoads++;
          }
        }
        child.kill();
      }
      if (lastLine(log).endsWith(LedgerCommitChild.COMPACTING)) {
        killsMidCompaction++;
      }
      int lastLogged = lastLogged(log);
      try (ReportLedger ledger = FileReportLedger.open(directory, workload.tuning)) {
        SortedMap<String, String> state = ledger.load();
        lastState = state;
        int batch = assertWholeCommit(state);
        assertThat(batch).as("run %d: batch after kill vs last logged", run).isBetween(lastLogged, lastLogged + 1);
      }
    }
    assertThat(lastLogged(log)).as("batches committed in all").isGreaterThan(200);
    return directory;
  }

  private static List<String> segmentFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("ledger.") && n.endsWith(".log")).toList();
    }
  }

  /** Checks that {@code state} is the model after some batch, and returns that batch. */
  private int assertWholeCommit(Map<String, String> state) {
    String n = state.get("n");
    if (n == null) {
      assertThat(state).isEmpty();
      return -1;
    }
    int batch = Integer.parseInt(n);
    if (batch < modelBatch) {
      model.clear();
      modelBatch = -1;
    }
    while (modelBatch < batch) {
      workload.apply(++modelBatch, model);
    }
    assertThat(state).as("state after batch %d", batch).isEqualTo(model);
    return batch;
  }

  private static int lastLogged(Path log) throws Exception {
    String line = lastLine(log);
    return line.isEmpty() ? -1 : Integer.parseInt(line.split(" ")[0]);
  }

  private static String lastLine(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    List<String> lines = Files.readAllLines(log);
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
