package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Tags;
import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tag sets get stable ids from the directory's append-only registry, as dimensions and customers do. */
class TagSetRegistryTest {
  @TempDir
  Path temp;

  @Test
  void aTagSetKeepsItsIdAcrossReopeningTheDirectory() {
    Path directory = temp.resolve("journal");
    long hour = Math.floorDiv(InstantSource.system().millis(), 3_600_000L);
    JournalSettings settings = new JournalSettings(directory, MutableClock.atHour(hour), 0, FreeSpaceProbe.fileSystem());
    String blue = Tags.of("team", "blue").encoded();
    String red = Tags.of("team", "red", "env", "prod").encoded();
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(settings)) {
      assertThat(journal.tagSetId(blue)).isEqualTo(1);
      assertThat(journal.tagSetId(red)).isEqualTo(2);
      assertThat(journal.tagSetId(blue)).isEqualTo(1);
    }
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(settings)) {
      assertThat(journal.tagSets(1)).isEqualTo(Map.of(1, blue, 2, red));
      assertThat(journal.tagSetId(red)).isEqualTo(2);
      assertThat(Tags.decode(journal.tagSets(2).get(2))).isEqualTo(Tags.of("env", "prod", "team", "red"));
    }
  }
}
