package io.hourmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tag set obeys the model's Tag rules when it is made, naming the rule it breaks. */
class TagsTest {

  @Test
  void keysAreSortedAndTheEncodingRoundTrips() {
    Tags tags = Tags.of("team", "blue", "env", "prod/eu:1");
    assertThat(tags.asMap().keySet()).containsExactly("env", "team");
    assertThat(Tags.decode(tags.encoded())).isEqualTo(tags);
    assertThat(tags).hasToString("env=prod/eu:1,team=blue");
  }

  @Test
  void noTagsOrMoreThanFiveAreRefused() {
    assertThatThrownBy(() -> Tags.of()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..5 tags");
    assertThatThrownBy(() -> Tags.of("a", "1", "b", "1", "c", "1", "d", "1", "e", "1", "f", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..5 tags, not 6");
  }

  @Test
  void keyAndValueLengthsAreChecked() {
    assertThatThrownBy(() -> Tags.of("", "v")).hasMessageContaining("tag key must be 1..100");
    assertThatThrownBy(() -> Tags.of("k".repeat(101), "v")).hasMessageContaining("tag key must be 1..100");
    assertThat(Tags.of("k".repeat(100), "v".repeat(256)).asMap()).hasSize(1);
    assertThatThrownBy(() -> Tags.of("k", "v".repeat(257))).hasMessageContaining("must be 1..256");
    assertThatThrownBy(() -> Tags.of(Map.of("k", ""))).hasMessageContaining("must be 1..256");
  }

  @Test
  void charactersOutsideThePatternAndDuplicateKeysAreRefused() {
    assertThatThrownBy(() -> Tags.of("team", "blue\u0001")).hasMessageContaining("outside the pattern");
    assertThatThrownBy(() -> Tags.of("t\u00e9am", "blue")).hasMessageContaining("outside the pattern");
    assertThatThrownBy(() -> Tags.of("team", "blue", "team", "red")).hasMessageContaining("duplicate tag key 'team'");
    assertThatThrownBy(() -> Tags.of("team")).hasMessageContaining("key, value pairs");
  }
}
