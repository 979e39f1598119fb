package io.hourmeter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Configuration errors are caught when the fleet is built, naming the option. */
class KafkaFleetBuilderTest {

  static KafkaFleetBuilder minimal() {
    return KafkaFleet.builder().productCode("prod-abc123").bootstrapServers("127.0.0.1:9092");
  }

  @Test
  void derivesTopicGroupAndTransactionalIdsFromTheProductCode() {
    KafkaFleet fleet = minimal().build();

    assertThat(fleet.partialsTopic()).isEqualTo("hourmeter.prod-abc123.partials");
    assertThat(fleet.finalsTopic()).isEqualTo("hourmeter.prod-abc123.finals");
    assertThat(fleet.outcomesTopic()).isEqualTo("hourmeter.prod-abc123.outcomes");
    assertThat(fleet.aggregatorApplicationId()).isEqualTo("hourmeter.prod-abc123.aggregator");
    assertThat(fleet.senderGroupId()).isEqualTo("hourmeter.prod-abc123.sender");
    assertThat(fleet.senderTransactionalId()).isEqualTo("hourmeter.prod-abc123.sender");
    assertThat(fleet.hostTransactionalId("j-1")).isEqualTo("hourmeter.prod-abc123.host.j-1");
    assertThat(fleet.partitions()).isEqualTo(KafkaFleetBuilder.DEFAULT_PARTITIONS);
    assertThat(fleet.replicationFactor()).isEqualTo(KafkaFleetBuilder.DEFAULT_REPLICATION_FACTOR);
  }

  @Test
  void namesAreConfigurable() {
    KafkaFleet fleet = minimal().partialsTopic("p").finalsTopic("f").outcomesTopic("o").aggregatorApplicationId("agg")
        .senderGroupId("sg").senderTransactionalId("stx").hostTransactionalIdPrefix("h-").build();

    assertThat(fleet.partialsTopic()).isEqualTo("p");
    assertThat(fleet.finalsTopic()).isEqualTo("f");
    assertThat(fleet.outcomesTopic()).isEqualTo("o");
    assertThat(fleet.aggregatorApplicationId()).isEqualTo("agg");
    assertThat(fleet.senderGroupId()).isEqualTo("sg");
    assertThat(fleet.senderTransactionalId()).isEqualTo("stx");
    assertThat(fleet.hostTransactionalId("j")).isEqualTo("h-j");
  }

  @Test
  void securitySettingsPassThroughAndTheFleetsOwnAreRefused() {
    KafkaFleet fleet = minimal().clientProperty("security.protocol", "SASL_SSL")
        .clientProperty("sasl.mechanism", "AWS_MSK_IAM").build();

    assertThat(FleetClients.producerConfig(fleet, "tx")).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "AWS_MSK_IAM").containsEntry("enable.idempotence", true)
        .containsEntry("transactional.id", "tx");
    assertThat(FleetClients.consumerConfig(fleet, "g")).containsEntry("isolation.level", "read_committed");
    assertThatThrownBy(() -> minimal().clientProperty("transactional.id", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transactional.id");
    assertThatThrownBy(() -> minimal().clientProperty("bootstrap.servers", "x"))
        .hasMessageContaining("bootstrapServers(");
  }

  @Test
  void refusesWrongOptionsNamingThem() {
    assertThatThrownBy(() -> KafkaFleet.builder().bootstrapServers("h:1").build()).hasMessageContaining("productCode");
    assertThatThrownBy(() -> KafkaFleet.builder().productCode("p").build()).hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> KafkaFleet.builder().productCode("p").bootstrapServers("nohost").build())
        .hasMessageContaining("bootstrapServers").hasMessageContaining("nohost");
    assertThatThrownBy(() -> KafkaFleet.builder().productCode("a/b").bootstrapServers("h:1").build())
        .hasMessageContaining("partialsTopic").hasMessageContaining("hourmeter.a/b.partials");
    assertThatThrownBy(() -> minimal().partialsTopic("bad topic")).hasMessageContaining("partialsTopic");
    assertThatThrownBy(() -> minimal().partitions(0)).hasMessageContaining("partitions");
    assertThatThrownBy(() -> minimal().replicationFactor(1).minInsyncReplicas(2).build())
        .hasMessageContaining("minInsyncReplicas").hasMessageContaining("replicationFactor");
    assertThatThrownBy(() -> minimal().partialsTopic("t").finalsTopic("t").build())
        .hasMessageContaining("three different");
    assertThatThrownBy(() -> minimal().transactionTimeout(Duration.ofMillis(10))).hasMessageContaining("transactionTimeout");
    assertThatThrownBy(() -> minimal().partitions(2).partitions(3)).hasMessageContaining("partitions was already set");
  }

  @Test
  void theAggregatorMainReadsTheFleetFromPropertiesAndArguments() throws Exception {
    Properties config = AggregatorMain.parse(new String[] {"productCode=prod-main", "bootstrapServers=127.0.0.1:1",
        "partitions=4", "replicationFactor=1", "minInsyncReplicas=1", "kafka.security.protocol=SSL"});
    KafkaFleet fleet = AggregatorMain.fleet(config);

    assertThat(fleet.partitions()).isEqualTo(4);
    assertThat(fleet.clientProperties()).containsEntry("security.protocol", "SSL");
    assertThatThrownBy(() -> AggregatorMain.fleet(AggregatorMain.parse(new String[] {"productCode=p"})))
        .hasMessageContaining("bootstrapServers is required");
    assertThatThrownBy(() -> AggregatorMain.parse(new String[] {"oops"})).hasMessageContaining("oops");
    assertThatThrownBy(() -> AggregatorMain.fleet(AggregatorMain.parse(new String[] {"productCode=p",
        "bootstrapServers=h:1", "partitions=many"}))).hasMessageContaining("partitions");
  }

  @Test
  void theAggregatorAndSenderRefuseMissingOptions() {
    KafkaFleet fleet = minimal().build();
    assertThatThrownBy(() -> FleetAggregator.builder(fleet).start()).hasMessageContaining("stateDirectory");
    assertThatThrownBy(() -> FleetAggregator.builder(fleet).streamsProperty("processing.guarantee", "at_least_once"))
        .hasMessageContaining("processing.guarantee");
    assertThatThrownBy(() -> FleetSender.builder(fleet).submitter(fleet.partialSubmitter()).build())
        .hasMessageContaining("ledgerDirectory");
  }
}
