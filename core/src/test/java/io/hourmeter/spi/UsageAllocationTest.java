package io.hourmeter.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageAllocationTest {

  @Test
  void tagsIterateInKeyOrderWhateverOrderTheyCameIn() {
    Map<String, String> tags = new HashMap<>();
    for (String key : new String[] {"zone", "app", "tenant", "env", "b"}) {
      tags.put(key, key + "-value");
    }

    UsageAllocation allocation = new UsageAllocation(5, tags);

    assertThat(allocation.tags().keySet()).containsExactly("app", "b", "env", "tenant", "zone");
  }

  @Test
  void tagsCannotBeChangedAfterwards() {
    Map<String, String> tags = new HashMap<>(Map.of("k", "v"));
    UsageAllocation allocation = new UsageAllocation(1, tags);
    tags.put("other", "x");

    assertThat(allocation.tags()).containsOnlyKeys("k");
    assertThatThrownBy(() -> allocation.tags().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aNegativeQuantityIsRejected() {
    assertThatThrownBy(() -> new UsageAllocation(-1, Map.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
