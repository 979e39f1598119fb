package io.hourmeter.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.journal.JvmFlags;
import io.hourmeter.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MissingJvmFlagsTest {
  @TempDir
  Path temp;

  @Test
  void startupWithoutTheChronicleFlagsFailsWithBuildsMessageAndHowToSetThem() throws Exception {
    Path journal = temp.resolve("journal");
    Path out = temp.resolve("child.out");
    try (ChildJvm child = ChildJvm.start(List.of("-Daws.accessKeyId=AKIDX", "-Daws.secretAccessKey=x",
        "-Daws.disableEc2Metadata=true"), MissingJvmFlagsChild.class, out, journal.toString())) {
      assertThat(child.awaitExit(Duration.ofSeconds(90))).isEqualTo(3);
    }
    String output = Files.readString(out);
    // The message of Meter.builder().build() (JvmFlags.check()), word for word, then the action.
    assertThat(output).contains("STARTUP FAILED")
        .contains("The Hourmeter journal (Chronicle Queue) needs JVM flags that this JVM was started without")
        .contains(String.join(" ", JvmFlags.required()))
        .contains("spring-boot-maven-plugin's <jvmArguments>").contains("JAVA_TOOL_OPTIONS");
    assertThat(Files.exists(journal)).as("no journal directory made").isFalse();
  }
}
