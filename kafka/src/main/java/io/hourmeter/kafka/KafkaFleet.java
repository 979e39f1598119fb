package io.hourmeter.kafka;

import io.hourmeter.spi.UsageSubmitter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The checked, immutable description of one SaaS product's fleet on Kafka: the brokers, the client
 * settings passed through to every client (TLS, SASL), the three topics, the group and transactional
 * ids, and the topics' shape. Every name derives from the product code unless set:
 *
 * <table>
 *   <caption>Derived names</caption>
 *   <tr><th>what</th><th>default</th></tr>
 *   <tr><td>partials topic (key: buyer)</td><td>{@code hourmeter.<product>.partials}</td></tr>
 *   <tr><td>finals topic (one partition)</td><td>{@code hourmeter.<product>.finals}</td></tr>
 *   <tr><td>outcomes topic (key: buyer; as many partitions as partials)</td><td>{@code hourmeter.<product>.outcomes}</td></tr>
 *   <tr><td>aggregator's Streams application.id (its group id)</td><td>{@code hourmeter.<product>.aggregator}</td></tr>
 *   <tr><td>sender's consumer group id</td><td>{@code hourmeter.<product>.sender}</td></tr>
 *   <tr><td>sender's transactional id</td><td>{@code hourmeter.<product>.sender}</td></tr>
 *   <tr><td>a host's transactional id</td><td>{@code hourmeter.<product>.host.<journal id>}</td></tr>
 * </table>
 *
 * <p>A fleet is the one value the three roles are made from: {@link #partialSubmitter()} on every host,
 * {@link FleetAggregator#builder(KafkaFleet)} and {@link FleetSender#builder(KafkaFleet)} where the
 * aggregation runs (inside the hosts' JVMs or in {@link AggregatorMain}).
 *
 * <p>Immutable and thread-safe.
 */
public final class KafkaFleet {
  private final String productCode;
  private final String bootstrapServers;
  private final Map<String, String> clientProperties;
  private final String partialsTopic;
  private final String finalsTopic;
  private final String outcomesTopic;
  private final String aggregatorApplicationId;
  private final String senderGroupId;
  private final String senderTransactionalId;
  private final String hostTransactionalIdPrefix;
  private final int partitions;
  private final short replicationFactor;
  private final int minInsyncReplicas;
  private final boolean createTopics;
  private final Duration transactionTimeout;

  KafkaFleet(KafkaFleetBuilder b) {
    this.productCode = b.productCode;
    this.bootstrapServers = b.bootstrapServers;
    this.clientProperties = Map.copyOf(b.clientProperties);
    String base = "hourmeter." + b.productCode;
    this.partialsTopic = orDefault(b.partialsTopic, base + ".partials");
    this.finalsTopic = orDefault(b.finalsTopic, base + ".finals");
    this.outcomesTopic = orDefault(b.outcomesTopic, base + ".outcomes");
    this.aggregatorApplicationId = orDefault(b.aggregatorApplicationId, base + ".aggregator");
    this.senderGroupId = orDefault(b.senderGroupId, base + ".sender");
    this.senderTransactionalId = orDefault(b.senderTransactionalId, base + ".sender");
    this.hostTransactionalIdPrefix = orDefault(b.hostTransactionalIdPrefix, base + ".host.");
    this.partitions = b.partitions;
    this.replicationFactor = b.replicationFactor;
    this.minInsyncReplicas = b.minInsyncReplicas;
    this.createTopics = b.createTopics;
    this.transactionTimeout = b.transactionTimeout;
  }

  private static String orDefault(String value, String fallback) {
    return value != null ? value : fallback;
  }

  /** A builder with the defaults named on its methods. */
  public static KafkaFleetBuilder builder() {
    return new KafkaFleetBuilder();
  }

  /**
   * A new partial submitter for one host's SAAS meter: {@code Meter.builder().mode(SAAS)
   * .submitter(fleet.partialSubmitter())}. It ships each frozen report as a partial record, keyed by
   * buyer, to {@link #partialsTopic()} through a transactional producer; a report is accepted once its
   * transaction is committed to Kafka, and a resend is byte-identical. Kafka being unreachable is a
   * retryable outcome, never an exception: the host keeps journaling, and shipping resumes.
   *
   * <p>One submitter per meter (its transactional id derives from the meter's journal id); the
   * producer connects lazily, at the first send. As with any submitter, the meter does not close it:
   * close it after the meter.
   */
  public UsageSubmitter partialSubmitter() {
    return new PartialSubmitter(this);
  }

  /**
   * Checks the three topics, creating the missing ones when {@link KafkaFleetBuilder#createTopics}
   * allows: partitions (finals exactly 1, outcomes as many as partials), replication factor,
   * {@code cleanup.policy=delete} and {@code min.insync.replicas}. Called by the aggregator and the sender
   * at start.
   *
   * @throws io.hourmeter.HourmeterException of kind CONFIGURATION naming the topic and the setting that
   *                                         is wrong, or STORAGE if the brokers do not answer
   */
  public void ensureTopics() {
    try (TopicGuard guard = TopicGuard.open(this)) {
      guard.ensure();
    }
  }

  /** The product code the fleet reports for. */
  public String productCode() {
    return productCode;
  }

  /** The brokers' bootstrap list, {@code host:port,...}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Settings passed through to every client (producers, consumers, admin, Streams). Unmodifiable. */
  public Map<String, String> clientProperties() {
    return clientProperties;
  }

  /** Where hosts ship partials (key: buyer). */
  public String partialsTopic() {
    return partialsTopic;
  }

  /** Where the aggregator writes one final per buyer-dimension-hour; one partition. */
  public String finalsTopic() {
    return finalsTopic;
  }

  /** Where the sender writes outcomes and carries back to the aggregator (key: buyer). */
  public String outcomesTopic() {
    return outcomesTopic;
  }

  /** The aggregator's Kafka Streams {@code application.id}, which is its group id. */
  public String aggregatorApplicationId() {
    return aggregatorApplicationId;
  }

  /** The sender's consumer group id on the finals topic. */
  public String senderGroupId() {
    return senderGroupId;
  }

  /** The sender's transactional id (one active sender: a second one fences the first). */
  public String senderTransactionalId() {
    return senderTransactionalId;
  }

  /** The transactional id of the host whose journal has id {@code journalId}. */
  public String hostTransactionalId(String journalId) {
    return hostTransactionalIdPrefix + Objects.requireNonNull(journalId, "journalId");
  }

  /** Partitions of the partials and outcomes topics. */
  public int partitions() {
    return partitions;
  }

  /** Replication factor of the three topics. */
  public short replicationFactor() {
    return replicationFactor;
  }

  /** {@code min.insync.replicas} the three topics must have. */
  public int minInsyncReplicas() {
    return minInsyncReplicas;
  }

  /** Whether missing topics are created at start. */
  public boolean createTopics() {
    return createTopics;
  }

  /** The producers' {@code transaction.timeout.ms}. */
  public Duration transactionTimeout() {
    return transactionTimeout;
  }

  @Override
  public String toString() {
    return "KafkaFleet[" + productCode + " on " + bootstrapServers + ": " + partialsTopic + ", " + finalsTopic
        + ", " + outcomesTopic + "]";
  }
}
