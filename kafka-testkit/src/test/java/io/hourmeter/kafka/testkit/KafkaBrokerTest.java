package io.hourmeter.kafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {
  private static final String TOPIC = "testkit.events";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  /**
   * Transaction A commits, transaction B is open (its records flushed to the log) when the broker is
   * SIGKILLed; after a restart on the same ports and log directory a new producer of the same
   * transactional id fences B (aborted) and commits C. A read_committed consumer then reads exactly A
   * and C: the log and the transaction state survived the kill, and the open transaction did not leak.
   */
  @Test
  void committedTransactionsSurviveSigkillAndAnOpenOneIsAborted() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      }
      KafkaProducer<String, String> first = producer(broker);
      first.initTransactions();
      send(first, "A", 3);
      first.beginTransaction();
      for (int i = 0; i < 3; i++) {
        first.send(new ProducerRecord<>(TOPIC, "k", "B" + i));
      }
      first.flush();

      broker.kill9();
      assertThat(broker.isAlive()).as("broker alive after SIGKILL").isFalse();
      first.close(Duration.ZERO);
      broker.restart();
      assertThat(broker.isAlive()).as("broker alive after restart").isTrue();

      try (KafkaProducer<String, String> second = producer(broker)) {
        second.initTransactions();
        send(second, "C", 2);
      }
      assertThat(readCommitted(broker, 5)).containsExactly("A0", "A1", "A2", "C0", "C1");
    }
  }

  /** A broker whose parent is gone (its standard input closed, as at the test JVM's SIGKILL) halts by itself. */
  @Test
  void aBrokerHaltsWhenItsParentGoes() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("orphan"))) {
      assertThat(broker.orphan(Duration.ofSeconds(20))).as("exit status after the parent's pipe closed")
          .isEqualTo(BrokerMain.ORPHANED);
      assertThat(broker.isAlive()).isFalse();
    }
  }

  @Test
  void aBrokerThatCannotStartFailsFastWithItsOutput() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> KafkaBroker.builder(tmp.resolve("bad")).property("node.id", "not-a-number").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited")
        .hasMessageContaining("not-a-number");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to fail")
        .isLessThan(KafkaBroker.DEFAULT_START_TIMEOUT);
  }

  private static void send(KafkaProducer<String, String> producer, String prefix, int count) {
    producer.beginTransaction();
    for (int i = 0; i < count; i++) {
      producer.send(new ProducerRecord<>(TOPIC, "k", prefix + i));
    }
    producer.commitTransaction();
  }

  private static KafkaProducer<String, String> producer(KafkaBroker broker) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "testkit-tx");
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static List<String> readCommitted(KafkaBroker broker, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // Read until the end of the log as read_committed sees it, then a little longer, so that any
      // record of the aborted transaction would have shown.
      while (System.nanoTime() < deadline && values.size() < expected) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
        values.add(r.value());
      }
    }
    return values;
  }
}
