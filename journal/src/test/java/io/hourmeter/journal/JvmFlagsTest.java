package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmFlagsTest {
  @TempDir
  Path temp;

  @Test
  void theBuildFlagsHoldEveryFlagTheJournalRequires() {
    assertThat(ChildJvm.chronicleFlags()).containsAll(JvmFlags.required());
    assertThat(JvmFlags.missing()).isEmpty();
  }

  @Test
  void buildingAMeterWithoutTheFlagsFailsWithOneLineListingThemAndCreatesNoQueue() throws Exception {
    Path directory = temp.resolve("journal");
    try (ChildJvm child = ChildJvm.start(List.of(), MeterBuildChild.class, temp.resolve("child.out"),
        directory.toString())) {
      assertThat(child.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
    }
    List<String> output = Files.readAllLines(temp.resolve("child.out"));
    assertThat(output).contains("BUILD FAILED: java.lang.IllegalStateException");
    assertThat(output).contains(String.join(" ", JvmFlags.required()));
    assertThat(String.join("\n", output)).contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    assertThat(directory.resolve("metadata.cq4t")).doesNotExist();
  }

  @Test
  void withOnlyTheRequiredFlagsAMeterBuildsAndRecords() throws Exception {
    Path directory = temp.resolve("journal");
    try (ChildJvm child = ChildJvm.start(JvmFlags.required(), MeterBuildChild.class, temp.resolve("child.out"),
        directory.toString())) {
      assertThat(child.awaitExit(Duration.ofSeconds(60))).as(Files.readString(temp.resolve("child.out"))).isZero();
    }
    String output = Files.readString(temp.resolve("child.out"));
    assertThat(output).contains("BUILT").doesNotContain("WARN").doesNotContain("Exception");
  }
}
