package io.hourmeter.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the fleet scenarios read back from a fleet's topics, decoded with the module's own record codec
 * (this class sits in its package, in test code, for that): how many partials were committed and how
 * many distinct partials (journal id, buyer, dimension, hour) they are, so that copies a host resent
 * after a crash, and which the aggregator must have dropped, are counted.
 */
public final class FleetTopicsReader {
  private FleetTopicsReader() { }

  /**
   * @param records  partial records committed to the partials topic
   * @param distinct distinct partial identities among them
   */
  public record Partials(long records, long distinct) { }

  /** Reads the whole partials topic, read_committed, from the beginning to its end now. */
  public static Partials partials(String bootstrapServers, KafkaFleet fleet) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long records = 0;
    Set<String> identities = new HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(fleet.partialsTopic(), Duration.ofSeconds(30))
          .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (FleetRecords.PARTIAL.equals(FleetRecords.kind(r.value()))) {
            records++;
            identities.add(FleetRecords.decodePartial(r.value()).identity());
          }
        }
      }
    }
    return new Partials(records, identities.size());
  }
}
