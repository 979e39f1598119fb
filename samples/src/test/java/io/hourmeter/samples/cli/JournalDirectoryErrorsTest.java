package io.hourmeter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalDirectoryErrorsTest {

  @Test
  void aMissingDirectoryIsAOneLineErrorAndNothingIsCreated(@TempDir Path dir) {
    Path missing = dir.resolve("nope");

    for (String command : new String[] {"status", "hours", "dump", "verify", "dead-letters", "customers"}) {
      CliRun run = CliRun.of(command, missing.toString());

      assertThat(run.exitCode()).as(command + ": " + run).isEqualTo(2);
      assertThat(run.err().strip()).as(command).isEqualTo("hourmeter: no such directory: " + missing);
      assertThat(run.out()).isEmpty();
    }
    assertThat(missing).doesNotExist();
  }

  @Test
  void aForeignDirectoryIsRefusedAndLeftUntouched(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "not a journal");

    CliRun run = CliRun.of("dump", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("hourmeter: not a Hourmeter journal directory: " + dir)
        .contains("holds 1 entries");
    assertThat(run.err().strip().lines()).hasSize(1);
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
    }
  }

  @Test
  void aFileInsteadOfADirectoryIsRefused(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");

    CliRun run = CliRun.of("hours", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("hourmeter: not a directory: " + file);
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageError() {
    CliRun unknownCommand = CliRun.of("frobnicate");
    CliRun unknownOption = CliRun.of("dump", "--bogus", "/tmp");

    assertThat(unknownCommand.exitCode()).isEqualTo(2);
    assertThat(unknownCommand.err()).startsWith("hourmeter: ").contains("frobnicate");
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    assertThat(unknownOption.err()).contains("--bogus");
  }
}
