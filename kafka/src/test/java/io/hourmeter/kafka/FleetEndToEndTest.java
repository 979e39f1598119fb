package io.hourmeter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourmeter.Buyer;
import io.hourmeter.Meter;
import io.hourmeter.MeteringMode;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.internal.DefaultMeter;
import io.hourmeter.kafka.testkit.KafkaBroker;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.SaasCustomer;
import io.hourmeter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The whole fleet path on a real broker (KRaft, child JVM on 127.0.0.1): two hosts' SAAS meters on real
 * Chronicle journals ship partials with the partial submitter, the Streams aggregator (exactly-once)
 * sums them, and the sender reports the finals with the real SDK's BatchMeterUsage against the local
 * endpoint. Each test uses its own product, so its own topics and groups, on one broker.
 */
@Timeout(120)
class FleetEndToEndTest {
  static final long H = 493_200;
  static final Duration GRACE = Duration.ofMinutes(5);
  static final Buyer[] BUYERS = {Buyer.ofAccount("111122223333"), Buyer.ofAccount("444455556666"),
      Buyer.ofAccount("777788889999")};
  static final String[] DIMS = {"users", "requests"};

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path shared;
  static KafkaBroker broker;

  @TempDir Path tmp;
  final MutableClock clock = MutableClock.atHour(H);
  final List<AutoCloseable> closing = new ArrayList<>();
  LocalMeteringEndpoint endpoint;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.start(shared.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  KafkaFleet fleet(String product) {
    return KafkaFleet.builder().productCode(product).bootstrapServers(broker.bootstrapServers())
        .partitions(2).replicationFactor(1).minInsyncReplicas(1).transactionTimeout(Duration.ofSeconds(10))
        .build();
  }

  LocalMeteringEndpoint endpoint(String product) {
    return endpoint(product, Duration.ofHours(24));
  }

  LocalMeteringEndpoint endpoint(String product, Duration batchWindow) {
    LocalMeteringEndpoint.Builder b = LocalMeteringEndpoint.builder().product(product, DIMS).clock(clock)
        .batchWindow(batchWindow);
    for (Buyer buyer : BUYERS) {
      b.subscriber(product, SaasCustomer.account(buyer.awsAccountId()));
    }
    endpoint = b.build().start();
    closing.add(endpoint);
    return endpoint;
  }

  Meter host(KafkaFleet fleet, String name) {
    io.hourmeter.spi.UsageSubmitter partials = fleet.partialSubmitter();
    closing.add(partials);
    Meter meter = Meter.builder().productCode(fleet.productCode()).dimensions(DIMS).mode(MeteringMode.SAAS)
        .journalDirectory(tmp.resolve(name)).clock(clock).sendJitter(Duration.ZERO).drainerThread(false)
        .submitter(partials).build();
    closing.add(meter);
    return meter;
  }

  FleetAggregator aggregator(KafkaFleet fleet) {
    return aggregator(fleet, "streams");
  }

  FleetAggregator aggregator(KafkaFleet fleet, String stateDirectory) {
    FleetAggregator a = FleetAggregator.builder(fleet).stateDirectory(tmp.resolve(stateDirectory)).clock(clock).grace(GRACE)
        .punctuateEvery(Duration.ofMillis(100)).streamsProperty("commit.interval.ms", "100")
        .streamsProperty("statestore.cache.max.bytes", "0")
        .streamsProperty("consumer.session.timeout.ms", "6000")
        .streamsProperty("consumer.heartbeat.interval.ms", "500").start();
    closing.add(a);
    return a;
  }

  FleetSender sender(KafkaFleet fleet, String ledger) {
    AwsUsageSubmitter batch = AwsUsageSubmitter.builder().batchMeterUsage().region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDHOURMETERTEST01",
            "hourmeter-test-secret")))
        .endpointOverride(endpoint.uri()).connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5))
        .apiCallTimeout(Duration.ofSeconds(10)).build();
    FleetSender s = FleetSender.builder(fleet).ledgerDirectory(tmp.resolve(ledger)).submitter(batch).clock(clock)
        .build();
    closing.add(s);
    return s;
  }

  /** Records {@code base + host} units per buyer and dimension, so each host's share is told apart. */
  static Map<String, Long> record(Meter meter, int host, Map<String, Long> expected) {
    for (int b = 0; b < BUYERS.length; b++) {
      for (String dim : DIMS) {
        long units = 10L * (b + 1) + host;
        meter.customer(BUYERS[b]).dimension(dim).record(units);
        expected.merge(BUYERS[b].awsAccountId() + " " + dim, units, Long::sum);
      }
    }
    return expected;
  }

  static void drain(Meter meter) {
    for (int i = 0; i < 20; i++) {
      ((DefaultMeter) meter).drainer().doWork();
    }
  }

  /** Drains the hosts until nothing is pending: every partial committed to Kafka. */
  static void ship(Meter... hosts) {
    await("hosts shipped their partials", () -> {
      boolean all = true;
      for (Meter m : hosts) {
        drain(m);
        all &= m.status().pendingUnitsByHour().isEmpty() && m.status().acceptedReports() > 0;
      }
      return all;
    });
  }

  /** What the last timeout message shows: the roles' status. */
  static volatile String diagnostics = "";

  static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what + "; " + diagnostics);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Waits until the aggregator holds {@code keys} buyer-dimensions of hour H open: every partial read
   * before the test's clock jumps past the fleet grace (a real fleet's grace covers the processing delay;
   * a clock that jumps does not).
   */
  static void summed(FleetAggregator aggregator, int keys) {
    Instant hour = Instant.ofEpochSecond(H * 3600);
    await("the aggregator summed every partial", () -> {
      diagnostics = aggregator.status().toString();
      return aggregator.status().partitions().stream()
          .mapToLong(p -> p.openKeysByHour().getOrDefault(hour, 0L)).sum() == keys;
    });
  }

  Map<String, Long> acceptedByKey(String product, Instant hour) {
    Map<String, Long> out = new HashMap<>();
    for (AcceptedRecord r : endpoint.accepted()) {
      if (r.productCode().equals(product) && r.timestamp().equals(hour)) {
        String key = r.customer().toString() + " " + r.dimension();
        assertThat(out.put(r.customer().customerAWSAccountId() + " " + r.dimension(), r.quantity()))
            .as("one record per buyer, dimension and hour: " + key).isNull();
      }
    }
    return out;
  }

  @Test
  void aTopicOfTheWrongShapeFailsNamingTheTopicAndTheSetting() throws Exception {
    KafkaFleet fleet = fleet("prod-fleet-guard");
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(fleet.finalsTopic(), 3, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get();
    }

    assertThatThrownBy(fleet::ensureTopics).isInstanceOf(io.hourmeter.HourmeterException.class)
        .hasMessageContaining("topic " + fleet.finalsTopic() + ": partitions is 3 but must be 1")
        .hasMessageContaining("topic " + fleet.finalsTopic() + ": cleanup.policy is compact but must be delete");
    KafkaFleet strict = KafkaFleet.builder().productCode("prod-fleet-guard").bootstrapServers(broker.bootstrapServers())
        .partitions(2).replicationFactor(1).minInsyncReplicas(1).createTopics(false).partialsTopic("absent.partials")
        .build();
    assertThatThrownBy(strict::ensureTopics).hasMessageContaining("topic absent.partials does not exist");
  }

  @Test
  void twoHostsUsageIsSummedByTheAggregatorAndReportedOncePerBuyerDimensionHour() {
    String product = "prod-fleet-e2e";
    KafkaFleet fleet = fleet(product);
    endpoint(product);
    Meter a = host(fleet, "host-a");
    Meter b = host(fleet, "host-b");
    Map<String, Long> expected = new HashMap<>();
    record(a, 1, expected);
    record(b, 2, expected);
    FleetAggregator aggregator = aggregator(fleet);
    FleetSender sender = sender(fleet, "sender");

    clock.advance(Duration.ofHours(1).plusMinutes(2)); // past the hosts' hourGrace (1 min)
    ship(a, b);
    summed(aggregator, expected.size());
    clock.advance(GRACE); // past the fleet's grace: the aggregator closes H
    Instant hour = Instant.ofEpochSecond(H * 3600);
    await("the sender reported every buyer-dimension", () -> {
      sender.doWork();
      diagnostics = aggregator.status() + " " + sender.status() + " " + endpoint.accepted();
      return acceptedByKey(product, hour).size() == expected.size();
    });

    assertThat(acceptedByKey(product, hour)).isEqualTo(expected);
    assertThat(aggregator.status().finalsEmitted()).isEqualTo(expected.size());
    await("the sender's status settled", () -> {
      sender.doWork();
      return sender.status().finalsPending() == 0;
    });
    assertThat(sender.status().acceptedReports()).isEqualTo(expected.size());
    assertThat(sender.status().lastSuccess()).isNotNull();

    // The aggregator's dedupe store survives its restart, even on a new disk (restored from its changelog):
    // every partial shipped again, byte for byte, is dropped, not carried into the next hour.
    aggregator.close();
    closing.remove(aggregator);
    FleetAggregator restarted = aggregator(fleet, "streams-on-a-new-disk");
    List<ConsumerRecord<String, byte[]>> partials = readAll(fleet.partialsTopic(), expected.size());
    reship(fleet, partials);
    await("the restarted aggregator dropped every partial shipped again", () -> {
      diagnostics = restarted.status().toString();
      return restarted.status().partitions().stream().mapToLong(p -> p.duplicatesDropped()).sum() == partials.size();
    });
    clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 20; i++) {
      sender.doWork();
    }
    assertThat(restarted.status().partitions()).allSatisfy(p -> assertThat(p.openKeysByHour()).isEmpty());
    assertThat(endpoint.accepted()).as("nothing more reported").hasSize(expected.size());
  }

  List<ConsumerRecord<String, byte[]>> readAll(String topic, int atLeast) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("isolation.level", "read_committed");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < atLeast && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  void reship(KafkaFleet fleet, List<ConsumerRecord<String, byte[]>> records) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", broker.bootstrapServers());
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      records.forEach(r -> p.send(new ProducerRecord<>(fleet.partialsTopic(), r.key(), r.value())));
      p.flush();
    }
  }

  @Test
  void usageAwsRefusesAsOutOfBoundsGoesBackToTheAggregatorAndIsReportedInTheNextOpenHour() {
    String product = "prod-fleet-carry";
    KafkaFleet fleet = fleet(product);
    endpoint(product, Duration.ofMinutes(90));
    Meter a = host(fleet, "host-a");
    Map<String, Long> expected = record(a, 1, new HashMap<>());
    FleetAggregator aggregator = aggregator(fleet);
    FleetSender sender = sender(fleet, "sender");

    clock.advance(Duration.ofHours(1).plusMinutes(2));
    ship(a);
    summed(aggregator, expected.size());
    // The aggregator closes H late (its process was down, say): H's finals are 3 hours old when sent,
    // past the endpoint's 90-minute window, so AWS refuses them and the sender carries them back.
    clock.set(Instant.ofEpochSecond((H + 3) * 3600));
    await("the sender carried every final back", () -> {
      sender.doWork();
      diagnostics = aggregator.status() + " " + sender.status();
      return aggregator.status().partitions().stream().mapToLong(p -> p.carriesApplied()).sum() == expected.size();
    });
    clock.advance(GRACE); // H+2, the next open hour, closes
    Instant next = Instant.ofEpochSecond((H + 2) * 3600);
    await("the carried usage was reported in hour H+2", () -> {
      sender.doWork();
      diagnostics = aggregator.status() + " " + sender.status() + " " + endpoint.accepted();
      return acceptedByKey(product, next).size() == expected.size();
    });

    assertThat(acceptedByKey(product, next)).isEqualTo(expected);
    assertThat(acceptedByKey(product, Instant.ofEpochSecond(H * 3600))).isEmpty();
    long units = expected.values().stream().mapToLong(Long::longValue).sum();
    assertThat(sender.status().carriedUnits()).isEqualTo(units);
    assertThat(sender.status().carriesWaiting()).isZero();
  }

  @Test
  void aSenderRestartedAfterAReplyWasLostResendsTheIdenticalRecordsAndAwsKeepsOne() {
    String product = "prod-fleet-resend";
    KafkaFleet fleet = fleet(product);
    endpoint(product);
    Meter a = host(fleet, "host-a");
    Map<String, Long> expected = record(a, 1, new HashMap<>());
    FleetAggregator aggregator = aggregator(fleet);
    FleetSender first = sender(fleet, "sender");

    clock.advance(Duration.ofHours(1).plusMinutes(2));
    ship(a);
    summed(aggregator, expected.size());
    clock.advance(GRACE);
    endpoint.faults().dropNextAfterRecord(1); // the batch is recorded, its reply lost: outcome unknown
    await("the first sender sent its call", () -> {
      first.doWork();
      return !endpoint.accepted().isEmpty();
    });
    first.close(); // as a crash would leave it: the ledger holds the reports outcome-unknown
    closing.remove(first);
    int bodiesBefore = endpoint.requestBodies().size();

    FleetSender second = sender(fleet, "sender");
    Instant hour = Instant.ofEpochSecond(H * 3600);
    await("the restarted sender settled every final", () -> {
      second.doWork();
      diagnostics = second.status() + " " + endpoint.accepted();
      return second.status().finalsPending() == 0 && second.status().acceptedReports() == expected.size();
    });

    assertThat(acceptedByKey(product, hour)).isEqualTo(expected);
    List<String> bodies = endpoint.requestBodies();
    assertThat(bodies.size()).as("the restarted sender resent").isGreaterThan(bodiesBefore);
    assertThat(bodies.get(bodies.size() - 1)).as("byte-identical resend").isEqualTo(bodies.get(bodiesBefore - 1));
  }
}
