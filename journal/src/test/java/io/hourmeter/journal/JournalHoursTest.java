package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalReader;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.ChildJvm;
import io.hourmeter.testing.JournalRecord;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hours, positions and retention of the Chronicle journal, beyond the shipped contract. */
class JournalHoursTest {
  private static final long HOUR = 420_000;

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.atHour(HOUR);

  private ChronicleUsageJournal open() {
    return ChronicleUsageJournal.open(new JournalSettings(temp.resolve("journal"), clock, 0,
        FreeSpaceProbe.fileSystem()));
  }

  @Test
  void anAppenderWhoseClockIsBehindFollowsANewerHourThatAnotherProcessCreated() throws Exception {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      assertThat(journal.append(users, 1, 0)).isTrue();
      Path logs = Files.createDirectories(temp.resolve("logs"));
      // The other process's clock is five hours ahead: it creates hour HOUR + 5 and appends there.
      try (ChildJvm ahead = ChildJvm.start(RecordingChild.class, temp.resolve("ahead.out"),
          journal.directory().toString(), "0", "1", "1", logs.toString(), Long.toString(HOUR + 5), "0", "false")) {
        assertThat(ahead.awaitExit(Duration.ofSeconds(60))).as(Files.readString(ahead.output())).isZero();
      }

      // This process's appender sits on HOUR and its clock still says HOUR.
      assertThat(journal.append(users, 2, 0)).isTrue();

      assertThat(JournalTesting.readAll(journal, 0)).extracting(JournalRecord::epochHour, JournalRecord::quantity)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(HOUR, 1L),
              org.assertj.core.groups.Tuple.tuple(HOUR + 5, 0L), org.assertj.core.groups.Tuple.tuple(HOUR + 5, 2L));
      assertThat(journal.hours()).containsExactly(HOUR, HOUR + 5);
    }
  }

  @Test
  void theFirstRecordOfAnHourIsAtThatHoursFirstPositionAndPositionsOrderByHourThenAppend() {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      journal.append(users, 1, 0);
      journal.append(users, 2, 0);
      clock.advance(Duration.ofHours(1));
      journal.append(users, 3, 0);

      List<JournalRecord> records = JournalTesting.readAll(journal, 0);

      assertThat(records.get(0).position()).isEqualTo(journal.firstPositionOfHour(HOUR));
      assertThat(records.get(1).position()).isEqualTo(journal.firstPositionOfHour(HOUR) + 1);
      assertThat(records.get(2).position()).isEqualTo(journal.firstPositionOfHour(HOUR + 1));
      assertThat(journal.firstPositionOfHour(HOUR + 1)).isGreaterThan(records.get(1).position());
    }
  }

  @Test
  void aReaderFromAnHourWithoutRecordsStartsAtTheNextHourThatHasSome() {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      journal.append(users, 1, 0);
      clock.advance(Duration.ofHours(3));
      journal.append(users, 2, 0);
      journal.append(users, 3, 0);
      long afterFirst = JournalTesting.readAll(journal, 0).get(0).position() + 1;

      assertThat(quantities(journal, journal.firstPositionOfHour(HOUR + 1))).containsExactly(2L, 3L);
      assertThat(quantities(journal, journal.firstPositionOfHour(HOUR + 3))).containsExactly(2L, 3L);
      assertThat(quantities(journal, afterFirst)).containsExactly(2L, 3L);
      assertThat(quantities(journal, journal.firstPositionOfHour(HOUR + 3) + 1)).containsExactly(3L);
      assertThat(quantities(journal, journal.firstPositionOfHour(HOUR + 4))).isEmpty();
    }
  }

  @Test
  void aReaderOpenedAtAFutureHourReadsOnlyWhatLandsInThatHourOrLater() {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      journal.append(users, 1, 0);
      try (JournalReader reader = journal.reader(journal.firstPositionOfHour(HOUR + 2))) {
        journal.append(users, 2, 0);
        assertThat(reader.read((p, h, d, c, q, t) -> { }, 10)).isZero();
        clock.advance(Duration.ofHours(2));
        journal.append(users, 3, 0);
        List<Long> seen = new ArrayList<>();
        assertThat(reader.read((p, h, d, c, q, t) -> seen.add(q), 10)).isEqualTo(1);
        assertThat(seen).containsExactly(3L);
        assertThat(reader.position()).isEqualTo(journal.firstPositionOfHour(HOUR + 2) + 1);
      }
    }
  }

  @Test
  void aReaderAtTheEndOfAnHourFollowsAppendsIntoTheNextHours() {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      journal.append(users, 1, 0);
      try (JournalReader reader = journal.reader(0)) {
        List<JournalRecord> seen = new ArrayList<>();
        JournalVisitorCollector collect = new JournalVisitorCollector(seen);
        assertThat(reader.read(collect, 10)).isEqualTo(1);
        assertThat(reader.read(collect, 10)).isZero();

        clock.advance(Duration.ofHours(1));
        journal.append(users, 2, 0);
        clock.advance(Duration.ofHours(2));
        journal.append(users, 3, 0);

        assertThat(reader.read(collect, 10)).isEqualTo(2);
        assertThat(seen).extracting(JournalRecord::epochHour).containsExactly(HOUR, HOUR + 1, HOUR + 3);
        assertThat(reader.position()).isEqualTo(journal.firstPositionOfHour(HOUR + 3) + 1);
      }
    }
  }

  /** Collects what a reader hands out. */
  private record JournalVisitorCollector(List<JournalRecord> into) implements io.hourmeter.spi.JournalVisitor {
    @Override
    public void onRecord(long position, long epochHour, int dimensionId, int customerId, long quantity, int tagSetId) {
      into.add(new JournalRecord(position, epochHour, dimensionId, customerId, quantity, tagSetId));
    }
  }

  @Test
  void aReaderSkipsADeletedHour() {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      journal.append(users, 1, 0);
      clock.advance(Duration.ofHours(1));
      journal.append(users, 2, 0);
      clock.advance(Duration.ofHours(1));
      journal.append(users, 3, 0);

      assertThat(journal.deleteHour(HOUR + 1)).isTrue();

      assertThat(journal.hours()).containsExactly(HOUR, HOUR + 2);
      assertThat(quantities(journal, 0)).containsExactly(1L, 3L);
      assertThat(quantities(journal, journal.firstPositionOfHour(HOUR + 1))).containsExactly(3L);
    }
  }

  @Test
  void theNewestHourIsNeverDeletedEvenWhenTheClockHasMovedPastIt() {
    try (ChronicleUsageJournal journal = open()) {
      int users = journal.dimensionId("users");
      journal.append(users, 1, 0);
      clock.advance(Duration.ofHours(2));

      // A process whose clock is behind would still append to it.
      assertThat(journal.deleteHour(HOUR)).isFalse();

      journal.append(users, 2, 0);
      assertThat(journal.deleteHour(HOUR)).isTrue();
      assertThat(journal.deleteHour(HOUR)).isFalse();
      assertThat(quantities(journal, 0)).containsExactly(2L);
    }
  }

  private static List<Long> quantities(ChronicleUsageJournal journal, long from) {
    return JournalTesting.readAll(journal, from).stream().map(JournalRecord::quantity).toList();
  }
}
