package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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

  private Path onlyLog() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
      assertThat(logs).hasSize(1);
      return logs.get(0);
    }
  }
}
