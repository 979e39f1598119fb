package io.hourmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.testing.InMemoryStorage;
import io.hourmeter.testing.MutableClock;
import io.hourmeter.testing.RecordingUsageSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration mistakes fail at build time, naming the option, before anything is opened. */
class MeterBuilderTest {
  @TempDir
  Path directory;

  private final MutableClock clock = MutableClock.atHour(490_000);

  private MeterBuilder valid() {
    return Meter.builder()
        .productCode("prod-abc123")
        .dimensions("users", "requests")
        .journalDirectory(directory)
        .submitter(new RecordingUsageSubmitter(clock, "prod-abc123", Set.of("users", "requests")))
        .clock(clock)
        .storage(new InMemoryStorage())
        .drainerThread(false);
  }

  @Test
  void aValidConfigurationBuildsAMeterWithAHandlePerDimension() {
    try (Meter meter = valid().build()) {
      assertThat(meter.dimension("users").name()).isEqualTo("users");
      assertThat(meter.dimension("requests").name()).isEqualTo("requests");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "prod abc", "prod#1", "prod\u00e9"})
  void aProductCodeOutsideTheModelsPatternIsRejected(String code) {
    assertThatThrownBy(() -> Meter.builder().productCode(code))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("productCode");
  }

  @Test
  void aProductCodeOver255CharactersIsRejected() {
    assertThatThrownBy(() -> Meter.builder().productCode("p".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("productCode must be 1..255");
  }

  @Test
  void aProductCodeWithEveryAllowedCharacterIsAccepted() {
    assertThat(Meter.builder().productCode("aZ09-/=:_.@")).isNotNull();
  }

  @Test
  void noDimensionsOrMoreThan24AreRejected() {
    assertThatThrownBy(() -> Meter.builder().dimensions())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..24");
    String[] tooMany = Collections.nCopies(25, "d").stream()
        .map(d -> d + Math.random()).toArray(String[]::new);
    assertThatThrownBy(() -> Meter.builder().dimensions(tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("named 25");
  }

  @Test
  void twentyFourDimensionsAreAccepted() {
    String[] names = new String[24];
    for (int i = 0; i < names.length; i++) {
      names[i] = "dimension-" + i;
    }
    assertThat(Meter.builder().dimensions(names)).isNotNull();
  }

  @Test
  void aDimensionDeclaredTwiceIsRejected() {
    assertThatThrownBy(() -> Meter.builder().dimensions("users", "users"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'users' twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", " users", "users ", "us\ners"})
  void aBlankPaddedOrControlCharacterDimensionNameIsRejected(String name) {
    assertThatThrownBy(() -> Meter.builder().dimensions("ok", name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension name");
  }

  @Test
  void aNullDimensionNameIsANullPointerNamingIt() {
    assertThatThrownBy(() -> Meter.builder().dimensions("ok", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dimension name");
  }

  @Test
  void anOptionSetTwiceIsRejectedByName() {
    assertThatThrownBy(() -> Meter.builder().productCode("a").productCode("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("productCode was already set");
    assertThatThrownBy(() -> Meter.builder().hourGrace(Duration.ofMinutes(1)).hourGrace(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hourGrace was already set");
  }

  @Test
  void eachRequiredOptionIsNamedWhenMissing() {
    assertThatThrownBy(() -> Meter.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("productCode is required");
    assertThatThrownBy(() -> Meter.builder().productCode("p").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("dimensions is required");
    assertThatThrownBy(() -> Meter.builder().productCode("p").dimensions("d").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("journalDirectory is required");
    assertThatThrownBy(() -> Meter.builder().productCode("p").dimensions("d").journalDirectory(directory).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("submitter is required");
  }

  @Test
  void durationsOutsideTheirRangeAreRejectedByName() {
    assertThatThrownBy(() -> Meter.builder().hourGrace(Duration.ofMinutes(31)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hourGrace");
    assertThatThrownBy(() -> Meter.builder().hourGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hourGrace");
    assertThatThrownBy(() -> Meter.builder().deadlineMargin(Duration.ofHours(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadlineMargin");
    assertThatThrownBy(() -> Meter.builder().clockSkewMargin(Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clockSkewMargin");
    assertThatThrownBy(() -> Meter.builder().clockSkewMargin(Duration.ofMinutes(61)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clockSkewMargin");
    assertThatThrownBy(() -> Meter.builder().minFreeDiskBytes(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minFreeDiskBytes");
    assertThatThrownBy(() -> Meter.builder().agentCoreCutUnits(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agentCoreCutUnits");
  }

  @Test
  void withoutAStorageProviderOnTheClassPathBuildSaysWhichDependencyToAdd() {
    // core's own tests have no hourmeter-journal on the class path, so ServiceLoader finds nothing.
    MeterBuilder builder = Meter.builder()
        .productCode("prod-abc123")
        .dimensions("users")
        .journalDirectory(directory)
        .submitter(new RecordingUsageSubmitter(clock, "prod-abc123", Set.of("users")));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hourmeter-journal");
  }
}
