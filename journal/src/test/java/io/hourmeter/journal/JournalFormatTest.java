package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.HourmeterException;
import io.hourmeter.Meter;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's format version: written on open, an older one read and upgraded, a newer one refused. */
class JournalFormatTest {
  private static final String PRODUCT = "prod-format1";

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.atHour(490_500);

  private ChronicleUsageJournal open(Path directory) {
    return ChronicleUsageJournal.open(new JournalSettings(directory, clock, 0, FreeSpaceProbe.fileSystem()));
  }

  @Test
  void aNewDirectoryIsWrittenInTheCurrentFormat() throws Exception {
    Path directory = temp.resolve("journal");
    open(directory).close();
    assertThat(Files.readString(directory.resolve(JournalFormat.FILE)).strip())
        .isEqualTo(Integer.toString(JournalFormat.CURRENT));
  }

  @Test
  void aDirectoryWrittenBeforeTheFormatFileIsReadAndUpgraded() throws Exception {
    Path directory = temp.resolve("journal");
    try (ChronicleUsageJournal journal = open(directory)) {
      assertThat(journal.append(journal.dimensionId("users"), 7, 0)).isTrue();
    }
    Files.delete(directory.resolve(JournalFormat.FILE)); // as a version-1 directory is

    try (ChronicleUsageJournal journal = open(directory)) {
      assertThat(JournalTesting.readAll(journal, 0)).singleElement()
          .satisfies(r -> assertThat(r.quantity()).isEqualTo(7));
    }
    assertThat(JournalFormat.read(directory.resolve(JournalFormat.FILE))).isEqualTo(JournalFormat.CURRENT);
  }

  @Test
  void aDirectoryOfANewerFormatIsRefusedAtBuildNamingBothVersions() throws Exception {
    Path directory = temp.resolve("journal");
    open(directory).close();
    Files.writeString(directory.resolve(JournalFormat.FILE), (JournalFormat.CURRENT + 1) + "\n");

    assertThatThrownBy(() -> Meter.builder().productCode(PRODUCT).dimensions("users").journalDirectory(directory)
        .submitter(new RecordingUsageSubmitter(clock, PRODUCT, Set.of("users"))).clock(clock)
        .drainerThread(false).build())
        .isInstanceOf(HourmeterException.class)
        .hasMessageContaining("journalDirectory")
        .hasMessageContaining("has format " + (JournalFormat.CURRENT + 1))
        .hasMessageContaining("reads formats 1.." + JournalFormat.CURRENT);
    assertThat(Files.readString(directory.resolve(JournalFormat.FILE)).strip())
        .as("the newer format is left as it was").isEqualTo(Integer.toString(JournalFormat.CURRENT + 1));
  }

  @Test
  void aFormatFileThatIsNotANumberIsRefusedSayingSo() throws Exception {
    Path directory = temp.resolve("journal");
    open(directory).close();
    Files.writeString(directory.resolve(JournalFormat.FILE), "banana\n");
    assertThatThrownBy(() -> open(directory)).hasMessageContaining("not a version number");
  }
}
