package io.hourmeter.kafka;

import io.hourmeter.spi.UsageReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds a {@link KafkaFleet}. Every option is checked by {@link #build()} (or at once, for a value
 * wrong in itself), which names the option that is wrong; an option may be set once.
 *
 * <p>Security settings pass through unchanged to every client with {@link #clientProperty}: for TLS
 * {@code security.protocol=SSL} and the {@code ssl.*} settings; for SASL {@code security.protocol=SASL_SSL},
 * {@code sasl.mechanism} and {@code sasl.jaas.config}. For Amazon MSK with IAM access control, put the
 * {@code software.amazon.msk:aws-msk-iam-auth} jar on the class path and set
 * {@code security.protocol=SASL_SSL}, {@code sasl.mechanism=AWS_MSK_IAM},
 * {@code sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;} and
 * {@code sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler}.
 *
 * <p>Not thread-safe; build on one thread.
 */
public final class KafkaFleetBuilder {
  /** Kafka's legal topic and id characters. */
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  /** Settings the fleet decides itself, and so refuses as pass-through client properties. */
  private static final Set<String> OWNED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
      "key.deserializer", "value.deserializer", "enable.idempotence", "transactional.id", "isolation.level",
      "group.id", "application.id", "processing.guarantee", "enable.auto.commit", "acks");

  /** Default partitions of the partials and outcomes topics. */
  public static final int DEFAULT_PARTITIONS = 6;
  /** Default replication factor (MSK's recommendation for three availability zones). */
  public static final short DEFAULT_REPLICATION_FACTOR = 3;
  /** Default {@code min.insync.replicas}. */
  public static final int DEFAULT_MIN_INSYNC_REPLICAS = 2;
  /** Default producer {@code transaction.timeout.ms}. */
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(60);

  String productCode;
  String bootstrapServers;
  final Map<String, String> clientProperties = new LinkedHashMap<>();
  String partialsTopic;
  String finalsTopic;
  String outcomesTopic;
  String aggregatorApplicationId;
  String senderGroupId;
  String senderTransactionalId;
  String hostTransactionalIdPrefix;
  int partitions = DEFAULT_PARTITIONS;
  short replicationFactor = DEFAULT_REPLICATION_FACTOR;
  int minInsyncReplicas = DEFAULT_MIN_INSYNC_REPLICAS;
  boolean createTopics = true;
  Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
  private final java.util.Set<String> set = new java.util.HashSet<>();

  KafkaFleetBuilder() { }

  private void once(String option) {
    if (!set.add(option)) {
      throw new IllegalStateException(option + " was already set");
    }
  }

  /** The product code (required); topic and id names derive from it. */
  public KafkaFleetBuilder productCode(String code) {
    once("productCode");
    this.productCode = Objects.requireNonNull(code, "productCode");
    return this;
  }

  /** The brokers, {@code host:port[,host:port...]} (required). */
  public KafkaFleetBuilder bootstrapServers(String servers) {
    once("bootstrapServers");
    this.bootstrapServers = Objects.requireNonNull(servers, "bootstrapServers");
    return this;
  }

  /**
   * A setting passed to every client (TLS, SASL, timeouts). The settings the fleet decides itself
   * (serializers, idempotence, transactional and group ids, isolation level, acks) are refused.
   */
  public KafkaFleetBuilder clientProperty(String key, String value) {
    Objects.requireNonNull(key, "clientProperty key");
    Objects.requireNonNull(value, "clientProperty value of " + key);
    if (OWNED.contains(key)) {
      throw new IllegalArgumentException("clientProperty " + key + " is set by the fleet itself"
          + (key.equals("bootstrap.servers") ? "; use bootstrapServers(...)" : "") );
    }
    if (clientProperties.putIfAbsent(key, value) != null) {
      throw new IllegalStateException("clientProperty " + key + " was already set");
    }
    return this;
  }

  /** {@link #clientProperty} for each entry. */
  public KafkaFleetBuilder clientProperties(Map<String, String> properties) {
    properties.forEach(this::clientProperty);
    return this;
  }

  /** The partials topic; default {@code hourmeter.<product>.partials}. */
  public KafkaFleetBuilder partialsTopic(String topic) {
    once("partialsTopic");
    this.partialsTopic = checkName("partialsTopic", topic);
    return this;
  }

  /** The finals topic; default {@code hourmeter.<product>.finals}. */
  public KafkaFleetBuilder finalsTopic(String topic) {
    once("finalsTopic");
    this.finalsTopic = checkName("finalsTopic", topic);
    return this;
  }

  /** The outcomes topic; default {@code hourmeter.<product>.outcomes}. */
  public KafkaFleetBuilder outcomesTopic(String topic) {
    once("outcomesTopic");
    this.outcomesTopic = checkName("outcomesTopic", topic);
    return this;
  }

  /** The aggregator's Streams application.id; default {@code hourmeter.<product>.aggregator}. */
  public KafkaFleetBuilder aggregatorApplicationId(String id) {
    once("aggregatorApplicationId");
    this.aggregatorApplicationId = checkName("aggregatorApplicationId", id);
    return this;
  }

  /** The sender's group id; default {@code hourmeter.<product>.sender}. */
  public KafkaFleetBuilder senderGroupId(String id) {
    once("senderGroupId");
    this.senderGroupId = checkName("senderGroupId", id);
    return this;
  }

  /** The sender's transactional id; default {@code hourmeter.<product>.sender}. */
  public KafkaFleetBuilder senderTransactionalId(String id) {
    once("senderTransactionalId");
    this.senderTransactionalId = checkName("senderTransactionalId", id);
    return this;
  }

  /** What a host's transactional id starts with (its journal id follows); default {@code hourmeter.<product>.host.}. */
  public KafkaFleetBuilder hostTransactionalIdPrefix(String prefix) {
    once("hostTransactionalIdPrefix");
    this.hostTransactionalIdPrefix = Objects.requireNonNull(prefix, "hostTransactionalIdPrefix");
    return this;
  }

  /** Partitions of the partials and outcomes topics (the aggregator's parallelism); default 6. */
  public KafkaFleetBuilder partitions(int count) {
    once("partitions");
    if (count < 1 || count > 10_000) {
      throw new IllegalArgumentException("partitions must be 1..10000 but was " + count);
    }
    this.partitions = count;
    return this;
  }

  /** Replication factor of the topics; default 3. */
  public KafkaFleetBuilder replicationFactor(int factor) {
    once("replicationFactor");
    if (factor < 1 || factor > Short.MAX_VALUE) {
      throw new IllegalArgumentException("replicationFactor must be 1 or more but was " + factor);
    }
    this.replicationFactor = (short) factor;
    return this;
  }

  /** {@code min.insync.replicas} of the topics; default 2 (at most the replication factor). */
  public KafkaFleetBuilder minInsyncReplicas(int replicas) {
    once("minInsyncReplicas");
    if (replicas < 1) {
      throw new IllegalArgumentException("minInsyncReplicas must be 1 or more but was " + replicas);
    }
    this.minInsyncReplicas = replicas;
    return this;
  }

  /** Whether missing topics are created at start (default true); existing ones are checked either way. */
  public KafkaFleetBuilder createTopics(boolean create) {
    once("createTopics");
    this.createTopics = create;
    return this;
  }

  /**
   * The producers' {@code transaction.timeout.ms} (default 60 s): how long a killed producer's open
   * transaction holds back read_committed consumers before the broker aborts it. Tests lower it.
   */
  public KafkaFleetBuilder transactionTimeout(Duration timeout) {
    once("transactionTimeout");
    Objects.requireNonNull(timeout, "transactionTimeout");
    if (timeout.toMillis() < 1_000 || timeout.toMillis() > 900_000) {
      throw new IllegalArgumentException("transactionTimeout must be within 1 s..15 min but was " + timeout);
    }
    this.transactionTimeout = timeout;
    return this;
  }

  /**
   * Checks every option and builds the fleet.
   *
   * @throws IllegalStateException naming the option that is missing or inconsistent
   */
  public KafkaFleet build() {
    if (productCode == null) {
      throw new IllegalStateException("productCode is required");
    }
    if (!UsageReport.isValidProductCode(productCode)) {
      throw new IllegalStateException("productCode '" + productCode + "' is not a ProductCode AWS accepts");
    }
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalStateException("bootstrapServers is required (host:port[,host:port...])");
    }
    for (String server : bootstrapServers.split(",")) {
      if (!server.trim().matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalStateException("bootstrapServers: '" + server.trim() + "' is not host:port");
      }
    }
    String base = "hourmeter." + productCode;
    checkDerived("partialsTopic", partialsTopic, base + ".partials");
    checkDerived("finalsTopic", finalsTopic, base + ".finals");
    checkDerived("outcomesTopic", outcomesTopic, base + ".outcomes");
    checkDerived("aggregatorApplicationId", aggregatorApplicationId, base + ".aggregator");
    checkDerived("senderGroupId", senderGroupId, base + ".sender");
    checkDerived("senderTransactionalId", senderTransactionalId, base + ".sender");
    KafkaFleet fleet = new KafkaFleet(this);
    if (new java.util.HashSet<>(java.util.List.of(fleet.partialsTopic(), fleet.finalsTopic(), fleet.outcomesTopic())).size() != 3) {
      throw new IllegalStateException("partialsTopic, finalsTopic and outcomesTopic must be three different "
          + "topics: " + fleet.partialsTopic() + ", " + fleet.finalsTopic() + ", " + fleet.outcomesTopic());
    }
    if (minInsyncReplicas > replicationFactor) {
      throw new IllegalStateException("minInsyncReplicas (" + minInsyncReplicas + ") must not exceed "
          + "replicationFactor (" + replicationFactor + "): no write could ever be acknowledged");
    }
    return fleet;
  }

  private static void checkDerived(String option, String value, String derived) {
    if (value == null && !TOPIC.matcher(derived).matches()) {
      throw new IllegalStateException(option + ": the name derived from productCode, '" + derived
          + "', is not a legal Kafka name ([a-zA-Z0-9._-], at most 249); set " + option + " explicitly");
    }
  }

  private static String checkName(String option, String name) {
    Objects.requireNonNull(name, option);
    if (!TOPIC.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(option + " '" + name + "' is not a legal Kafka name "
          + "([a-zA-Z0-9._-], 1..249 characters)");
    }
    return name;
  }
}
