package io.hourmeter.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LedgerIndexTest {

  @Test
  void insertsOverwritesAndRemovesAgreeWithAHashMapThroughGrowthAndBackwardShifts() {
    LedgerIndex index = new LedgerIndex();
    Map<String, long[]> model = new HashMap<>();
    Random random = new Random(5);
    String[] keys = new String[20_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = String.format("report/%019d", i);
    }
    for (int op = 0; op < 200_000; op++) {
      String key = keys[random.nextInt(keys.length)];
      int slot = index.find(key);
      assertThat(slot >= 0).as("key %s present", key).isEqualTo(model.containsKey(key));
      if (random.nextInt(3) == 0) {
        if (slot >= 0) {
          index.removeAt(slot);
          model.remove(key);
        }
      } else {
        long[] record = {random.nextInt(1000), random.nextInt(1 << 30), 8 + random.nextInt(400)};
        if (slot >= 0) {
          index.set(slot, (int) record[0], record[1], (int) record[2]);
        } else {
          index.insert(key, (int) record[0], record[1], (int) record[2]);
        }
        model.put(key, record);
      }
    }
    assertThat(index.size()).isEqualTo(model.size());
    for (Map.Entry<String, long[]> entry : model.entrySet()) {
      int slot = index.find(entry.getKey());
      assertThat(slot).as(entry.getKey()).isNotNegative();
      assertThat(new long[] {index.segmentAt(slot), index.offsetAt(slot), index.sizeAt(slot)})
          .isEqualTo(entry.getValue());
      assertThat(index.keyAt(slot)).isEqualTo(entry.getKey());
    }
    long[] expected = model.values().stream()
        .mapToLong(r -> r[0] << 40 | r[1]).sorted().toArray();
    long[] locations = index.locations();
    Arrays.sort(locations);
    assertThat(locations).isEqualTo(expected);
  }
}
