package io.hourmeter.internal.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.UsageJournal;
import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cursor resumes at a checkpoint even where the journal cannot open a reader (Chronicle, no cycle file). */
class JournalCursorTest {
  private static final long HOUR = 490_000;

  /** The in-memory journal, but whose reader throws at a position in an hour that has no records. */
  private static UsageJournal strict(UsageJournal journal, boolean alwaysThrow) {
    return (UsageJournal) Proxy.newProxyInstance(UsageJournal.class.getClassLoader(), new Class<?>[] {UsageJournal.class},
        (proxy, method, args) -> {
          if (method.getName().equals("reader")) {
            long from = (Long) args[0];
            long hour = from >> 32;
            if (alwaysThrow || from > 0 && !journal.hours().contains(hour)) {
              throw new IllegalStateException("'file not found' for the lowerCycle " + hour);
            }
          }
          return method.invoke(journal, args);
        });
  }

  private static List<Long> readAll(JournalCursor cursor) {
    List<Long> quantities = new ArrayList<>();
    cursor.read((p, h, d, i, q) -> quantities.add(q), 100);
    return quantities;
  }

  @Test
  void aCheckpointInAnHourWithoutACycleFileResumesAtTheNextHourOnDisk() {
    MutableClock clock = MutableClock.atHour(HOUR);
    UsageJournal journal = new InMemoryStorage().openJournal(new JournalSettings(Path.of("/j"), clock, 0, d -> Long.MAX_VALUE));
    int users = journal.dimensionId("users");
    journal.append(users, 1, 0);
    long checkpoint = journal.firstPositionOfHour(HOUR + 1);
    UsageJournal strict = strict(journal, false);

    JournalCursor cursor = new JournalCursor(strict, checkpoint);
    assertThat(readAll(cursor)).as("nothing after the checkpoint yet").isEmpty();
    clock.advance(Duration.ofHours(2));
    journal.append(users, 5, 0);

    assertThat(readAll(cursor)).containsExactly(5L);
  }

  @Test
  void aFailureInAnHourThatHasAFileIsNotSkipped() {
    MutableClock clock = MutableClock.atHour(HOUR);
    UsageJournal journal = new InMemoryStorage().openJournal(new JournalSettings(Path.of("/j"), clock, 0, d -> Long.MAX_VALUE));
    journal.append(journal.dimensionId("users"), 1, 0);
    clock.advance(Duration.ofHours(1));
    journal.append(journal.dimensionId("users"), 2, 0);

    assertThatThrownBy(() -> new JournalCursor(strict(journal, true), journal.firstPositionOfHour(HOUR)))
        .isInstanceOf(IllegalStateException.class);
  }
}
