package io.hourmeter.kafka;

import java.time.Duration;
import java.time.InstantSource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, built by one method: the partials and outcomes topics (co-partitioned by
 * buyer) into one {@link HourAggregator} with its three persistent stores, and its finals to the finals
 * topic. Tested without a broker through TopologyTestDriver.
 */
final class FleetTopology {
  static final String PARTIALS_SOURCE = "partials";
  static final String OUTCOMES_SOURCE = "outcomes";
  static final String AGGREGATOR = "hour-aggregator";
  static final String FINALS_SINK = "finals";

  private FleetTopology() { }

  static Topology build(KafkaFleet fleet, InstantSource clock, Duration grace, Duration punctuateEvery,
      Duration dedupeRetention, AggregatorStatusBoard board) {
    Topology topology = new Topology();
    topology.addSource(PARTIALS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), fleet.partialsTopic());
    topology.addSource(OUTCOMES_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), fleet.outcomesTopic());
    topology.addProcessor(AGGREGATOR, () -> new HourAggregator(clock, grace, punctuateEvery, dedupeRetention, board),
        PARTIALS_SOURCE, OUTCOMES_SOURCE);
    for (String store : new String[] {HourAggregator.DEDUPE_STORE, HourAggregator.SUMS_STORE, HourAggregator.META_STORE}) {
      topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
          Serdes.String()), AGGREGATOR);
    }
    topology.addSink(FINALS_SINK, fleet.finalsTopic(), new StringSerializer(), new ByteArraySerializer(), AGGREGATOR);
    return topology;
  }
}
