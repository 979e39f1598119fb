package io.hourmeter.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The client settings of the fleet's producers, consumers and admin client: the pass-through
 * properties, the bootstrap servers, and what exactly-once needs (idempotence, acks=all, a
 * transactional id, read_committed). Stateless.
 */
final class FleetClients {
  private FleetClients() { }

  static Map<String, Object> common(KafkaFleet fleet) {
    Map<String, Object> config = new HashMap<>(fleet.clientProperties());
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers());
    return config;
  }

  /** A transactional producer's settings. Bounded blocking, so a send to a broker that is down returns. */
  static Map<String, Object> producerConfig(KafkaFleet fleet, String transactionalId) {
    Map<String, Object> config = common(fleet);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) fleet.transactionTimeout().toMillis());
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    return config;
  }

  /** A read_committed consumer's settings, offsets managed by the caller. */
  static Map<String, Object> consumerConfig(KafkaFleet fleet, String groupId) {
    Map<String, Object> config = common(fleet);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return config;
  }
}
