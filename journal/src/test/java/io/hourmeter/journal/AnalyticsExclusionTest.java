package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chronicle phones home through chronicle-analytics unless it is left out; it is. */
class AnalyticsExclusionTest {
  @TempDir
  Path temp;

  @Test
  void chronicleAnalyticsIsNotOnTheClassPath() {
    assertThat(System.getProperty("java.class.path")).doesNotContain("chronicle-analytics");
    assertThatThrownBy(() -> Class.forName("net.openhft.chronicle.analytics.Analytics"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void openingAndAppendingLeavesTheHomeDirectoryEmpty() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home"));
    Path directory = temp.resolve("journal");
    List<String> options = new ArrayList<>(ChildJvm.chronicleFlags());
    options.add("-Duser.home=" + home);
    try (ChildJvm child = ChildJvm.start(options, OpenJournalChild.class, temp.resolve("child.out"),
        directory.toString(), "users")) {
      assertThat(child.awaitExit(Duration.ofSeconds(60))).as(Files.readString(temp.resolve("child.out"))).isZero();
    }
    assertThat(Files.readString(temp.resolve("child.out"))).contains("APPENDED=true");
    try (Stream<Path> inHome = Files.walk(home)) {
      assertThat(inHome.filter(p -> !p.equals(home)).toList()).isEmpty();
    }
  }
}
