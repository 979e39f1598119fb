package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReportLedgerTest {
  @TempDir
  Path directory;

  @Test
  void aTornLastFrameIsIgnoredOnLoadAndCutOffBeforeTheNextCommit() throws Exception {
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      ledger.commit(Map.of("a", "1"), Set.of());
      ledger.commit(Map.of("b", "2"), Set.of());
    }
    Path log = onlyLog();
    long whole = Files.size(log);
    // Half of a third frame, as a kill in the middle of its write would leave.
    ByteBuffer third = LedgerFrames.encode(Map.of("c", "3"), Set.of());
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(third.array(), 0, third.capacity() / 2), whole);
    }

    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      assertThat(ledger.load()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
      ledger.commit(Map.of("d", "4"), Set.of("a"));
    }
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      assertThat(ledger.load()).containsExactly(Map.entry("b", "2"), Map.entry("d", "4"));
    }
  }

  @Test
  void aFrameWithAWrongChecksumEndsTheLog() throws Exception {
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      ledger.commit(Map.of("a", "1"), Set.of());
      ledger.commit(Map.of("a", "2"), Set.of());
    }
    Path log = onlyLog();
    byte[] bytes = Files.readAllBytes(log);
    bytes[bytes.length - 1] ^= 0x55;
    Files.write(log, bytes);

    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      assertThat(ledger.load()).containsExactly(Map.entry("a", "1"));
    }
  }

  @Test
  void aSecondOpenerWhileTheWriterIsOpenLoadsFromDiskButMayNotCommit() {
    try (FileReportLedger writer = FileReportLedger.open(directory);
         FileReportLedger reader = FileReportLedger.open(directory)) {
      writer.commit(Map.of("a", "1"), Set.of());
      assertThat(reader.load()).containsExactly(Map.entry("a", "1"));
      writer.commit(Map.of("a", "2"), Set.of());
      assertThat(reader.load()).containsExactly(Map.entry("a", "2"));
      assertThatThrownBy(() -> reader.commit(Map.of("b", "1"), Set.of()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("another process");
    }
  }

  @Test
  void compactionRewritesTheLiveStateIntoOneNewGenerationThatSurvivesReopen() throws Exception {
    String big = "x".repeat(4096);
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      for (int i = 0; i < 200; i++) {
        ledger.commit(Map.of("k" + (i % 3), big + i), Set.of());
      }
      assertThat(ledger.diskBytes()).isLessThan(256 * 1024 + 8 * 4096);
    }
    assertThat(onlyLog().getFileName().toString()).isNotEqualTo("ledger.000000000001.log");
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      assertThat(ledger.load()).containsExactly(Map.entry("k0", big + 198), Map.entry("k1", big + 199),
          Map.entry("k2", big + 197));
    }
  }

  @Test
  void commitRejectsNullsWithoutWritingAnything() throws Exception {
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      java.util.HashMap<String, String> withNull = new java.util.HashMap<>();
      withNull.put("k", null);
      assertThatThrownBy(() -> ledger.commit(withNull, Set.of())).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("k");
      assertThat(ledger.diskBytes()).isZero();
    }
  }

  @Test
  void compactionAcrossManySegmentsKeepsEveryLiveEntry() throws Exception {
    FileReportLedger.Tuning small = new FileReportLedger.Tuning(2048, 4096, 4096, 1024, 2);
    Random random = new Random(11);
    TreeMap<String, String> model = new TreeMap<>();
    for (int i = 0; i < 20; i++) {
      model.put("pinned/" + i, "put once " + i);
    }
    try (FileReportLedger ledger = FileReportLedger.open(directory, small);
         FileReportLedger reader = FileReportLedger.open(directory)) {
      ledger.commit(model, Set.of());
      for (int commit = 0; commit < 1_500; commit++) {
        Map<String, String> puts = new HashMap<>();
        Set<String> removes = new HashSet<>();
        for (int j = random.nextInt(4); j >= 0; j--) {
          puts.put("report/" + random.nextInt(400), "v" + commit + " " + "x".repeat(random.nextInt(300)));
        }
        for (int j = random.nextInt(4); j > 0; j--) {
          removes.add("report/" + random.nextInt(400));
        }
        ledger.commit(puts, removes);
        model.keySet().removeAll(removes);
        model.putAll(puts);
        if (commit % 250 == 0) {
          assertThat(reader.load()).as("a reader's load after commit %d", commit).isEqualTo(model);
        }
      }
      assertThat(ledger.load()).isEqualTo(model);
    }
    List<String> segments = logs();
    assertThat(segments).as("compaction deleted the first segments and kept few")
        .hasSizeLessThan(40).noneMatch(n -> n.equals("ledger.000000000001.log"));
    assertThat(segments.get(segments.size() - 1)).as("many segments were started")
        .isGreaterThan("ledger.000000000100.log");
    try (FileReportLedger ledger = FileReportLedger.open(directory, small)) {
      assertThat(ledger.load()).isEqualTo(model);
    }
  }

  @Test
  void aDirectoryOfTheSingleFileLedgerOpensWithItsNewestGeneration() throws Exception {
    // As the single-file ledger left it when killed during a compaction: generation 2, then its live
    // state as the first frame of generation 3, which took one more commit; a temporary file of a
    // compaction to generation 4 that had begun.
    writeFrames("ledger.000000000002.log", LedgerFrames.encode(Map.of("a", "1", "b", "2"), Set.of()),
        LedgerFrames.encode(Map.of("c", "3"), Set.of("a")));
    writeFrames("ledger.000000000003.log", LedgerFrames.encode(Map.of("b", "2", "c", "3"), Set.of()),
        LedgerFrames.encode(Map.of("d", "4"), Set.of("b")));
    writeFrames("ledger.000000000004.log.tmp", LedgerFrames.encode(Map.of("c", "3"), Set.of()));

    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      assertThat(ledger.load()).containsExactly(Map.entry("c", "3"), Map.entry("d", "4"));
      ledger.commit(Map.of("e", "5"), Set.of("c"));
    }
    assertThat(logs()).containsExactly("ledger.000000000003.log");
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      assertThat(ledger.load()).containsExactly(Map.entry("d", "4"), Map.entry("e", "5"));
    }
  }

  @Test
  void diskPerLiveReportStaysBoundedAsReportsArePutAndRemovedOverManyHours() {
    int perHour = 2_000;
    int windowHours = 6;
    String text = "ACCEPTED ".repeat(33);
    long record = 8 + "report/0000000000000000000".length() + text.length();
    try (FileReportLedger ledger = FileReportLedger.open(directory)) {
      for (int hour = 0; hour < 40; hour++) {
        for (int start = hour * perHour; start < (hour + 1) * perHour; start += 100) {
          Map<String, String> puts = new HashMap<>();
          Set<String> removes = new HashSet<>();
          for (int id = start; id < start + 100; id++) {
            puts.put(String.format("report/%019d", id), text);
            if (hour >= windowHours) {
              removes.add(String.format("report/%019d", id - windowHours * perHour));
            }
          }
          ledger.commit(puts, removes);
        }
        long live = (long) Math.min(hour + 1, windowHours) * perHour;
        // Three times the live records and one segment (the live size, here) more, at most.
        assertThat(ledger.diskBytes()).as("disk bytes after hour %d", hour).isLessThanOrEqualTo(4 * live * record);
      }
      assertThat(ledger.load()).hasSize(windowHours * perHour)
          .containsKey(String.format("report/%019d", 40 * perHour - 1));
    }
  }

  @Test
  void aSecondOpenerThroughASymlinkToTheWritersDirectoryIsReadOnly() throws Exception {
    Path link = Files.createSymbolicLink(directory.resolveSibling(directory.getFileName() + "-link"), directory);
    try (FileReportLedger writer = FileReportLedger.open(directory);
         FileReportLedger viaLink = FileReportLedger.open(link)) {
      writer.commit(Map.of("a", "1"), Set.of());
      assertThat(viaLink.load()).containsExactly(Map.entry("a", "1"));
      assertThatThrownBy(() -> viaLink.commit(Map.of("b", "1"), Set.of()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("another process");
    } finally {
      Files.delete(link);
    }
  }

  private void writeFrames(String name, ByteBuffer... frames) throws IOException {
    try (FileChannel channel = FileChannel.open(directory.resolve(name), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (ByteBuffer frame : frames) {
        channel.write(frame.rewind());
      }
    }
  }

  private List<String> logs() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
    }
  }

  private Path onlyLog() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
      assertThat(logs).hasSize(1);
      return logs.get(0);
    }
  }
}
