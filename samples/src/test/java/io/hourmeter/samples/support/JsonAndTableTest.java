package io.hourmeter.samples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonAndTableTest {

  @Test
  void jsonEscapesStringsAndKeepsMapOrder() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("b", "quote\" back\\ new\nline \u0001");
    map.put("a", List.of(1, 2L, true));
    map.put("n", null);
    map.put("t", Json.iso(Instant.parse("2026-11-23T01:00:00Z")));
    map.put("d", Json.iso(Duration.ofMinutes(90)));

    assertThat(Json.write(map)).isEqualTo("{\"b\":\"quote\\\" back\\\\ new\\nline \\u0001\",\"a\":[1,2,true],"
        + "\"n\":null,\"t\":\"2026-11-23T01:00:00Z\",\"d\":\"PT1H30M\"}");
  }

  @Test
  void tablesAlignColumnsAndRightAlignNumbers() {
    String text = new Table("dimension", "units").row("users", 5).row("api_calls", 12345).toString();

    assertThat(text.lines().toList()).containsExactly(
        "dimension  units",
        "----------------",
        "users          5",
        "api_calls  12345");
  }

  @Test
  void aRowWithTheWrongNumberOfCellsIsRefused() {
    assertThatThrownBy(() -> new Table("a", "b").row("only one"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 cells but the table has 2");
  }

  @Test
  void theChronicleFlagsComeFromTheRootPom() {
    String fromPom = System.getProperty("hourmeter.jvmFlags").trim();

    assertThat(JvmFlags.chronicle()).isEqualTo(Arrays.asList(fromPom.split("\\s+")));
  }
}
