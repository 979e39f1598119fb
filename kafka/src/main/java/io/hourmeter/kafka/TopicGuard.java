package io.hourmeter.kafka;

import io.hourmeter.HourmeterException;
import io.hourmeter.HourmeterException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the fleet's topics when allowed and checks every one of them: partitions (partials and
 * outcomes {@link KafkaFleet#partitions()} each, so that a buyer's partials and carries meet in one
 * aggregator task; finals exactly 1, so one sender holds the product's BatchMeterUsage rate),
 * replication factor, {@code cleanup.policy=delete} (compaction would keep one record per buyer) and
 * {@code min.insync.replicas}. A wrong topic fails with the topic and the setting named.
 *
 * <p>Not thread-safe; open, {@link #ensure()}, close.
 */
final class TopicGuard implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaFleet fleet;
  private final Admin admin;

  private TopicGuard(KafkaFleet fleet, Admin admin) {
    this.fleet = fleet;
    this.admin = admin;
  }

  static TopicGuard open(KafkaFleet fleet) {
    return new TopicGuard(fleet, Admin.create(FleetClients.common(fleet)));
  }

  /** The partitions each topic must have. */
  Map<String, Integer> expectedPartitions() {
    Map<String, Integer> topics = new LinkedHashMap<>();
    topics.put(fleet.partialsTopic(), fleet.partitions());
    topics.put(fleet.outcomesTopic(), fleet.partitions());
    topics.put(fleet.finalsTopic(), 1);
    return topics;
  }

  /**
   * Creates what is missing (when allowed) and checks all three.
   *
   * @throws HourmeterException CONFIGURATION naming the topic and setting, STORAGE if Kafka does not answer
   */
  void ensure() {
    Map<String, Integer> expected = expectedPartitions();
    if (fleet.createTopics()) {
      create(expected);
    }
    Map<String, TopicDescription> found = describe(expected.keySet());
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (fleet.createTopics() && found.size() < expected.size() && System.nanoTime() < deadline) {
      // Just created: metadata reaches every broker a moment later.
      pause();
      found = describe(expected.keySet());
    }
    Map<String, TopicDescription> described = found;
    Map<ConfigResource, Config> configs = configs(expected.keySet());
    List<String> problems = new ArrayList<>();
    expected.forEach((topic, partitions) -> {
      TopicDescription d = described.get(topic);
      if (d == null) {
        problems.add("topic " + topic + (fleet.createTopics() ? " was created but is not visible after " + TIMEOUT
            : " does not exist (createTopics is false)") + ": create it with " + partitions
            + " partitions, replication factor " + fleet.replicationFactor() + ", cleanup.policy=delete, "
            + "min.insync.replicas=" + fleet.minInsyncReplicas());
        return;
      }
      if (d.partitions().size() != partitions) {
        problems.add("topic " + topic + ": partitions is " + d.partitions().size() + " but must be " + partitions
            + (partitions == 1 ? " (one sender holds the product's BatchMeterUsage rate)"
                : " (KafkaFleet partitions; partials and outcomes must have the same count)"));
      }
      int replicas = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
      if (replicas < fleet.replicationFactor()) {
        problems.add("topic " + topic + ": replication factor is " + replicas + " but must be at least "
            + fleet.replicationFactor() + " (KafkaFleet replicationFactor)");
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
      String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
      if (cleanup != null && !cleanup.equals(TopicConfig.CLEANUP_POLICY_DELETE)) {
        problems.add("topic " + topic + ": cleanup.policy is " + cleanup + " but must be delete (compaction keeps "
            + "only the last record of each buyer)");
      }
      String isr = value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
      if (isr != null && Integer.parseInt(isr) < fleet.minInsyncReplicas()) {
        problems.add("topic " + topic + ": min.insync.replicas is " + isr + " but must be at least "
            + fleet.minInsyncReplicas() + " (KafkaFleet minInsyncReplicas)");
      }
    });
    if (!problems.isEmpty()) {
      throw new HourmeterException(Kind.CONFIGURATION, String.join("; ", problems));
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HourmeterException(Kind.STORAGE, "interrupted while waiting for new topics", e);
    }
  }

  private void create(Map<String, Integer> expected) {
    Map<String, TopicDescription> existing = describe(expected.keySet());
    List<NewTopic> missing = new ArrayList<>();
    expected.forEach((topic, partitions) -> {
      if (!existing.containsKey(topic)) {
        missing.add(new NewTopic(topic, partitions, fleet.replicationFactor()).configs(Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(fleet.minInsyncReplicas()))));
      }
    });
    if (missing.isEmpty()) {
      return;
    }
    admin.createTopics(missing).values().forEach((topic, future) -> {
      try {
        future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new HourmeterException(Kind.CONFIGURATION, "creating topic " + topic + " failed: " + e.getCause(),
              e.getCause());
        }
      } catch (InterruptedException | TimeoutException e) {
        throw unreachable("creating topic " + topic, e);
      }
    });
  }

  private Map<String, TopicDescription> describe(Collection<String> topics) {
    Map<String, TopicDescription> found = new LinkedHashMap<>();
    admin.describeTopics(topics).topicNameValues().forEach((topic, future) -> {
      try {
        found.put(topic, future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw unreachable("describing topic " + topic, e.getCause());
        }
      } catch (InterruptedException | TimeoutException e) {
        throw unreachable("describing topic " + topic, e);
      }
    });
    return found;
  }

  private Map<ConfigResource, Config> configs(Collection<String> topics) {
    List<ConfigResource> resources = new ArrayList<>();
    for (String topic : topics) {
      resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
    }
    Map<ConfigResource, Config> found = new LinkedHashMap<>();
    admin.describeConfigs(resources).values().forEach((resource, future) -> {
      try {
        found.put(resource, future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw unreachable("reading the configuration of topic " + resource.name(), e.getCause());
        }
      } catch (InterruptedException | TimeoutException e) {
        throw unreachable("reading the configuration of topic " + resource.name(), e);
      }
    });
    return found;
  }

  private static String value(Config config, String name) {
    if (config == null || config.get(name) == null) {
      return null;
    }
    return config.get(name).value();
  }

  private HourmeterException unreachable(String what, Throwable cause) {
    if (cause instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new HourmeterException(Kind.STORAGE, what + " on " + fleet.bootstrapServers() + " failed: " + cause, cause);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
