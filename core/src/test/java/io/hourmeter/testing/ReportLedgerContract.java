package io.hourmeter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.StorageProvider;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ReportLedger} must do. An implementation's test extends this and supplies its
 * {@link StorageProvider}. Crash-atomicity is shown by each implementation's own kill test.
 */
public abstract class ReportLedgerContract {

  @TempDir
  protected Path directory;

  /** The provider under test. */
  protected abstract StorageProvider provider();

  protected ReportLedger open() {
    return provider().openLedger(directory.resolve("journal"));
  }

  @Test
  void aNewLedgerIsEmpty() {
    try (ReportLedger ledger = open()) {
      assertThat(ledger.load()).isEmpty();
    }
  }

  @Test
  void committedEntriesSurviveReopen() {
    try (ReportLedger ledger = open()) {
      ledger.commit(Map.of("report/1", "FROZEN q=5", "checkpoint", "p=10"), Set.of());
      ledger.commit(Map.of("report/1", "ACCEPTED q=5 rec=abc"), Set.of());
    }
    try (ReportLedger ledger = open()) {
      assertThat(ledger.load()).containsExactly(
          Map.entry("checkpoint", "p=10"), Map.entry("report/1", "ACCEPTED q=5 rec=abc"));
    }
  }

  @Test
  void removesTakeEffectAndAPutInTheSameCommitWins() {
    try (ReportLedger ledger = open()) {
      ledger.commit(Map.of("a", "1", "b", "2", "c", "3"), Set.of());
      ledger.commit(Map.of("c", "33"), Set.of("a", "c"));

      assertThat(ledger.load()).containsExactly(Map.entry("b", "2"), Map.entry("c", "33"));
    }
  }

  @Test
  void valuesKeepEveryCharacter() {
    String awkward = "line1\nline2\t\"quoted\" = ü € \\ end";
    try (ReportLedger ledger = open()) {
      ledger.commit(Map.of("k=1 \n", awkward), Set.of());
    }
    try (ReportLedger ledger = open()) {
      assertThat(ledger.load()).containsExactly(Map.entry("k=1 \n", awkward));
    }
  }

  @Test
  void manyCommitsKeepOnlyTheLatestValues() {
    try (ReportLedger ledger = open()) {
      for (int i = 0; i < 2_000; i++) {
        ledger.commit(Map.of("report/" + (i % 50), "v" + i), i % 7 == 0 ? Set.of("gone") : Set.of());
      }
    }
    Map<String, String> expected = new HashMap<>();
    for (int i = 2_000 - 50; i < 2_000; i++) {
      expected.put("report/" + (i % 50), "v" + i);
    }
    try (ReportLedger ledger = open()) {
      assertThat(ledger.load()).containsExactlyInAnyOrderEntriesOf(expected);
      assertThat(ledger.diskBytes()).isPositive();
    }
  }
}
