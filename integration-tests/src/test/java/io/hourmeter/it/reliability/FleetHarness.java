package io.hourmeter.it.reliability;

import io.hourmeter.kafka.KafkaFleet;
import java.time.Duration;

/**
 * The fleet every Kafka scenario runs, in the test JVM and in each child (hosts, the aggregator): the
 * reliability product on a one-node test broker (one replica, {@code min.insync.replicas=1}), three
 * partitions, and client timeouts lowered so that a SIGKILLed member is replaced in seconds: a killed
 * host's open transaction is aborted after 5 s (the transaction timeout), a killed aggregator's group
 * membership expires after 3 s (session timeout; the broker's floor is lowered to 1 s by
 * {@link io.hourmeter.kafka.testkit.KafkaBroker}).
 */
final class FleetHarness {
  static final int PARTITIONS = 3;
  static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(5);
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

  private FleetHarness() { }

  static KafkaFleet fleet(String bootstrapServers) {
    return KafkaFleet.builder()
        .productCode(ScaledMeter.PRODUCT)
        .bootstrapServers(bootstrapServers)
        .partitions(PARTITIONS)
        .replicationFactor(1)
        .minInsyncReplicas(1)
        .transactionTimeout(TRANSACTION_TIMEOUT)
        // The sender's consumer (Streams gets its own through streamsProperty); other clients ignore them.
        .clientProperty("session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()))
        .clientProperty("heartbeat.interval.ms", "500")
        .build();
  }
}
