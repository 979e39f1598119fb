package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyPermissionsTest {
  @TempDir
  Path temp;

  @Test
  void theJournalDirectoryAndItsParentsAreCreatedOwnerOnlyAndOurFilesTooAndTheLedgersFilesToo() throws Exception {
    Path directory = temp.resolve("absent").resolve("journal");
    try (ChronicleUsageJournal journal = ChronicleUsageJournal.open(new JournalSettings(directory,
        MutableClock.atHour(450_000), 0, FreeSpaceProbe.fileSystem()));
         ReportLedger ledger = new ChronicleStorageProvider().openLedger(directory)) {
      journal.append(journal.dimensionId("users"), 1, 0);
      ledger.commit(Map.of("k", "v"), Set.of());
    }

    assertThat(permissions(directory)).isEqualTo("rwx------");
    assertThat(permissions(directory.getParent())).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().startsWith("metadata")
          && !f.getFileName().toString().endsWith(".cq4")).toList()) {
        assertThat(permissions(file)).as(file.getFileName().toString()).isEqualTo("rw-------");
      }
    }
    assertThat(directory.resolve(JournalIdentity.FILE)).exists();
    assertThat(directory.resolve(IdRegistry.DIMENSIONS)).exists();
  }

  @Test
  void aLedgerOpenedOnAnAbsentDirectoryCreatesItOwnerOnly() throws Exception {
    Path directory = temp.resolve("ledger-only");
    try (ReportLedger ledger = new ChronicleStorageProvider().openLedger(directory)) {
      ledger.commit(Map.of("k", "v"), Set.of());
    }
    assertThat(permissions(directory)).isEqualTo("rwx------");
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
