package io.hourmeter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesTheShapesMeterUsageUses() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("a", "x\"yA");
    expected.put("n", new BigDecimal("1795389931.329"));
    expected.put("b", true);
    expected.put("z", null);
    expected.put("l", List.of(Map.of("k", BigDecimal.ONE), List.of()));

    Object parsed = Json.parse(" {\"a\":\"x\\\"y\\u0041\",\"n\":1795389931.329,\"b\":true,\"z\":null,"
        + "\"l\":[{\"k\":1},[]]} ");

    assertThat(parsed).isEqualTo(expected);
  }

  @Test
  void rejectsMalformedText() {
    assertThatThrownBy(() -> Json.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate");
    assertThatThrownBy(() -> Json.parse("\"open")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quotesWhatNeedsEscaping() {
    assertThat(Json.quote("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
    assertThat(Json.parse(Json.quote("a\"b\\c\n\u0001"))).isEqualTo("a\"b\\c\n\u0001");
  }
}
