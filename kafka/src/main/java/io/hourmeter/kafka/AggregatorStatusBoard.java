package io.hourmeter.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each partition's processor keeps the figures status reads. Thread-safe: stream threads write,
 * any thread reads.
 */
final class AggregatorStatusBoard {
  private final Map<Integer, HourAggregator.PartitionFigures> partitions = new ConcurrentHashMap<>();
  private final Map<Integer, Boolean> active = new ConcurrentHashMap<>();

  HourAggregator.PartitionFigures partition(int partition) {
    active.put(partition, Boolean.TRUE);
    return partitions.computeIfAbsent(partition, HourAggregator.PartitionFigures::new);
  }

  void released(int partition) {
    active.remove(partition);
  }

  List<AggregatorStatus.PartitionStatus> snapshot() {
    List<AggregatorStatus.PartitionStatus> out = new ArrayList<>();
    partitions.keySet().stream().sorted().filter(active::containsKey)
        .forEach(p -> out.add(partitions.get(p).snapshot()));
    return out;
  }
}
