package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.spi.FreeSpaceProbe;
import io.hourmeter.spi.JournalSettings;
import io.hourmeter.testing.ChildJvm;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal id and the dimension ids are the same in every process and after every restart. */
class JournalIdentityTest {
  @TempDir
  Path temp;

  @Test
  void anotherProcessSeesTheSameJournalIdAndDimensionIdsAndAddsItsOwn() throws Exception {
    Path directory = temp.resolve("journal");
    String journalId;
    int users;
    try (ChronicleUsageJournal journal = open(directory)) {
      journalId = journal.journalId();
      users = journal.dimensionId("users");
    }

    Map<String, String> child = runChild(directory, "child.out", "requests", "users");

    assertThat(child).containsEntry("ID", journalId).containsEntry("users", Integer.toString(users));
    try (ChronicleUsageJournal reopened = open(directory)) {
      assertThat(reopened.journalId()).isEqualTo(journalId).matches("[0-9a-f]{32}");
      assertThat(reopened.dimensionId("requests")).isEqualTo(Integer.parseInt(child.get("requests")));
      assertThat(reopened.dimensions()).containsEntry(users, "users")
          .containsEntry(Integer.parseInt(child.get("requests")), "requests").hasSize(2);
    }
  }

  @Test
  void twoProcessesRegisteringTheSameNewNamesAtOnceAgreeOnEveryIdAndTheJournalId() throws Exception {
    Path directory = temp.resolve("journal");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      names.add("dimension " + i);
    }
    List<String> reversed = new ArrayList<>(names);
    Collections.reverse(reversed);
    ChildJvm first = start(directory, "first.out", names);
    ChildJvm second = start(directory, "second.out", reversed);
    assertThat(first.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(second.awaitExit(Duration.ofSeconds(60))).isZero();
    Map<String, String> one = parse(temp.resolve("first.out"));
    Map<String, String> two = parse(temp.resolve("second.out"));

    assertThat(one).isEqualTo(two);
    assertThat(names.stream().map(one::get).distinct()).hasSize(names.size());
    try (ChronicleUsageJournal journal = open(directory)) {
      assertThat(journal.dimensions()).hasSize(names.size());
      for (String name : names) {
        assertThat(journal.dimensionId(name)).isEqualTo(Integer.parseInt(one.get(name)));
      }
    }
  }

  @Test
  void namesWithAwkwardCharactersKeepTheirIdsAcrossReopen() {
    Path directory = temp.resolve("journal");
    String awkward = "tab\there\\ and \nnewline ü";
    int id;
    try (ChronicleUsageJournal journal = open(directory)) {
      journal.dimensionId("plain");
      id = journal.dimensionId(awkward);
    }
    try (ChronicleUsageJournal journal = open(directory)) {
      assertThat(journal.dimensions()).containsEntry(id, awkward);
      assertThat(journal.dimensionId(awkward)).isEqualTo(id);
    }
  }

  private static ChronicleUsageJournal open(Path directory) {
    return ChronicleUsageJournal.open(new JournalSettings(directory, MutableClock.atHour(460_000), 0,
        FreeSpaceProbe.fileSystem()));
  }

  private ChildJvm start(Path directory, String output, List<String> names) throws Exception {
    List<String> args = new ArrayList<>();
    args.add(directory.toString());
    args.addAll(names);
    return ChildJvm.start(OpenJournalChild.class, temp.resolve(output), args.toArray(String[]::new));
  }

  private Map<String, String> runChild(Path directory, String output, String... names) throws Exception {
    try (ChildJvm child = start(directory, output, List.of(names))) {
      assertThat(child.awaitExit(Duration.ofSeconds(60))).as(Files.readString(child.output())).isZero();
    }
    return parse(temp.resolve(output));
  }

  private static Map<String, String> parse(Path output) throws Exception {
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(output)) {
      if (line.startsWith("ID=")) {
        values.put("ID", line.substring(3));
      } else if (line.startsWith("DIM ")) {
        int equals = line.lastIndexOf('=');
        values.put(line.substring(4, equals), line.substring(equals + 1));
      }
    }
    return values;
  }
}
