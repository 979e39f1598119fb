package io.hourmeter.internal.drain;

import static io.hourmeter.internal.drain.DrainerFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.UsageJournal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  @TempDir
  Path dir;

  private UsageJournal view(DrainerFixture f) {
    return f.storage.openJournal(new JournalSettings(f.directory, f.clock, 0, d -> Long.MAX_VALUE));
  }

  @Test
  void aCycleFileIsDeletedOnlyOnceItsReportsAreFinalAndRetentionHasPassed() {
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ZERO).retention(Duration.ofHours(2)));
    f.aws.failNext(1, OutcomeClass.RETRYABLE);
    f.record("users", 1);
    f.run(Duration.ofMinutes(61));
    f.record("users", 2);
    assertThat(view(f).hours()).contains(HOUR);

    f.run(Duration.ofMinutes(90));
    assertThat(f.aws.accepted()).filteredOn(a -> a.timestamp().equals(DrainerFixture.hourStart(HOUR))).hasSize(1);
    assertThat(view(f).hours()).as("retention has not passed since the report became final").contains(HOUR);

    f.run(Duration.ofMinutes(90));
    assertThat(view(f).hours()).doesNotContain(HOUR).contains(HOUR + 1);
  }

  @Test
  void anHourWithAnUnsettledReportIsKept() {
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ZERO).retention(Duration.ZERO));
    f.aws.failNext(10_000, OutcomeClass.RETRYABLE);
    f.record("users", 1);
    f.run(Duration.ofMinutes(61));
    f.record("users", 2);
    f.run(Duration.ofHours(2));

    assertThat(view(f).hours()).contains(HOUR);
  }

  @Test
  void diskUseAndTheLedgerStayBoundedInALongRun() {
    DrainerFixture f = new DrainerFixture(dir, b -> b.sendJitter(Duration.ZERO).retention(Duration.ofHours(3)));
    for (int h = 0; h < 48; h++) {
      f.record("users", 1);
      f.record("requests", 1);
      f.run(Duration.ofHours(1));
    }
    int hoursKept = view(f).hours().size();
    int entries = f.ledger().reports().size();
    for (int h = 0; h < 48; h++) {
      f.record("users", 1);
      f.record("requests", 1);
      f.run(Duration.ofHours(1));
    }

    assertThat(f.acceptedUnits("users")).isEqualTo(95);
    assertThat(view(f).hours().size()).isLessThanOrEqualTo(hoursKept).isLessThanOrEqualTo(6);
    assertThat(f.ledger().reports().size()).isLessThanOrEqualTo(entries).isLessThanOrEqualTo(12);
    assertThat(f.ledger().hourUnits().size()).isLessThanOrEqualTo(6);
    assertThat(f.meter.status().acceptedReports()).isEqualTo(190);
  }

  @Test
  void agentCoreCycleFilesAreDeletedOnceTheirRangesAreFinalAndRetentionHasPassed() {
    DrainerFixture f = new DrainerFixture(dir, b -> DrainerFixture.agentCore().accept(b.retention(Duration.ofHours(1))));
    f.drain();
    f.record("users", 1);
    f.run(Duration.ofMinutes(61));
    f.record("users", 2);
    f.run(Duration.ofMinutes(30));
    assertThat(view(f).hours()).contains(HOUR);
    assertThat(f.acceptedUnits("users")).isEqualTo(3);

    f.run(Duration.ofMinutes(40));

    assertThat(view(f).hours()).doesNotContain(HOUR).contains(HOUR + 1);
  }
}
