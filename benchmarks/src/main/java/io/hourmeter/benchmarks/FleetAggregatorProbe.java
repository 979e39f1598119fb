package io.hourmeter.benchmarks;

import io.hourmeter.Buyer;
import io.hourmeter.kafka.AggregatorStatus;
import io.hourmeter.kafka.FleetAggregator;
import io.hourmeter.kafka.FleetBenchRecords;
import io.hourmeter.kafka.KafkaFleet;
import io.hourmeter.kafka.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fleet aggregator against a real broker (not JMH: one run is one hour of a fleet, minutes long).
 * {@code buyers} buyers x 3 dimensions have usage in one hour, each buyer-dimension on {@code spread} of
 * {@code hosts} simulated hosts (each host a journal id of its own, as 100 JVMs would ship), and a
 * share {@code copies} of the partials is sent twice (a host's resend after a crash): the partials are
 * produced to the partials topic first, then one aggregator instance ({@link FleetAggregator}, exactly-once
 * v2, RocksDB stores, one stream thread) is started on a controlled clock with the hour open. Measured:
 *
 * <ul>
 *   <li>partials per second summed and deduplicated: from the instance's first RUNNING status to the
 *       status that shows every partial read (lag 0 and the copies dropped), the partials over that time;
 *   <li>close to last final: the clock is moved past the hour's end plus the grace, and the time until a
 *       read_committed consumer (assigned beforehand) has read the hour's last final.
 * </ul>
 * The sums are checked: as many finals as buyer-dimensions, and their units equal the units produced
 * once. The broker is a child JVM on this machine ({@link KafkaBroker}), sharing its cores.
 *
 * <p>Usage: {@code FleetAggregatorProbe <output.jsonl> [buyers] [hosts] [spread] [copies] [partitions]}
 * (defaults 100000 100 3 0.05 6). The broker's class path file comes from
 * {@code -Dhourmeter.kafka.brokerClasspath} (run.sh sets it).
 */
public final class FleetAggregatorProbe {
  static final String[] DIMENSIONS = {"api_calls", "storage_gb", "seats"};

  private FleetAggregatorProbe() { }

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[0]);
    int buyers = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int hosts = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int spread = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    double copyShare = args.length > 4 ? Double.parseDouble(args[4]) : 0.05;
    int partitions = args.length > 5 ? Integer.parseInt(args[5]) : 6;
    Path dir = BenchDirectories.create("fleet-aggregator");
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"))) {
      KafkaFleet fleet = KafkaFleet.builder().productCode(MeterFixture.PRODUCT_CODE)
          .bootstrapServers(broker.bootstrapServers()).partitions(partitions).replicationFactor(1)
          .minInsyncReplicas(1).build();
      fleet.ensureTopics();
      long hour = Math.floorDiv(Instant.now().getEpochSecond(), 3600) - 2;
      AtomicLong now = new AtomicLong(Instant.ofEpochSecond(hour * 3600 + 1800).toEpochMilli());
      InstantSource clock = () -> Instant.ofEpochMilli(now.get());

      long producedStart = System.nanoTime();
      Produced produced = produce(broker, fleet, hour, buyers, hosts, spread, copyShare);
      long produceMillis = (System.nanoTime() - producedStart) / 1_000_000;
      System.out.printf(Locale.ROOT, "produced %d partials (%d distinct, %d copies) in %d ms%n", produced.records,
          produced.distinct, produced.records - produced.distinct, produceMillis);

      Duration grace = Duration.ofMinutes(10);
      try (FleetAggregator aggregator = FleetAggregator.builder(fleet).stateDirectory(dir.resolve("state"))
          .clock(clock).grace(grace).punctuateEvery(Duration.ofMillis(100)).ensureTopics(false).start();
           KafkaConsumer<String, byte[]> finals = finalsConsumer(broker, fleet)) {
        long started = System.nanoTime();
        long running = 0;
        long caughtUp = 0;
        long deadline = started + Duration.ofMinutes(20).toNanos();
        while (System.nanoTime() < deadline) {
          AggregatorStatus s = aggregator.status();
          if (running == 0 && "RUNNING".equals(s.state()) && s.partitions().size() == partitions) {
            running = System.nanoTime();
          }
          long dropped = s.partitions().stream().mapToLong(AggregatorStatus.PartitionStatus::duplicatesDropped).sum();
          if (running != 0 && s.consumerLag() == 0 && dropped >= produced.records - produced.distinct) {
            caughtUp = System.nanoTime();
            break;
          }
          Thread.sleep(20);
        }
        if (caughtUp == 0) {
          throw new IllegalStateException("the aggregator did not read every partial in 20 minutes: "
              + aggregator.status());
        }
        double processSeconds = (caughtUp - running) / 1e9;

        finals.poll(Duration.ofMillis(100)); // assigned at the end already; nothing to read yet
        now.set(Instant.ofEpochSecond((hour + 1) * 3600).plus(grace).plusSeconds(1).toEpochMilli());
        long closedAt = System.nanoTime();
        long finalCount = 0;
        long finalUnits = 0;
        long lastFinal = 0;
        while (finalCount < produced.distinctKeys && System.nanoTime() < closedAt + Duration.ofMinutes(10).toNanos()) {
          for (ConsumerRecord<String, byte[]> r : finals.poll(Duration.ofMillis(50))) {
            if (FleetBenchRecords.isFinal(r.value())) {
              finalCount++;
              finalUnits += FleetBenchRecords.finalUnits(r.value());
              lastFinal = System.nanoTime();
            }
          }
        }
        if (finalCount != produced.distinctKeys || finalUnits != produced.units) {
          throw new IllegalStateException("finals: " + finalCount + " of " + produced.distinctKeys + ", units "
              + finalUnits + " of " + produced.units);
        }
        String line = String.format(Locale.ROOT, "{\"buyers\":%d,\"dimensions\":%d,\"hosts\":%d,\"spread\":%d,"
                + "\"partitions\":%d,\"partials\":%d,\"distinctPartials\":%d,\"copies\":%d,\"produceMillis\":%d,"
                + "\"startToRunningMillis\":%d,\"processSeconds\":%.2f,\"partialsPerSecond\":%.0f,"
                + "\"finals\":%d,\"closeToLastFinalMillis\":%d,\"unitsChecked\":%d,\"load\":\"%s\"}",
            buyers, DIMENSIONS.length, hosts, spread, partitions, produced.records, produced.distinct,
            produced.records - produced.distinct, produceMillis, (running - started) / 1_000_000, processSeconds,
            produced.records / processSeconds, finalCount, (lastFinal - closedAt) / 1_000_000, finalUnits,
            java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println(line);
        PairedRatioProbe.append(output, line);
      }
    } finally {
      BenchDirectories.delete(dir);
    }
  }

  /** What was produced: records, distinct partials, distinct buyer-dimensions, units counted once. */
  record Produced(long records, long distinct, long distinctKeys, long units) { }

  private static Produced produce(KafkaBroker broker, KafkaFleet fleet, long hour, int buyers, int hosts, int spread,
      double copyShare) {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.ACKS_CONFIG, "all");
    SplittableRandom random = new SplittableRandom(7);
    long records = 0;
    long distinct = 0;
    long units = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int b = 0; b < buyers; b++) {
        Buyer buyer = Buyer.ofAccount(String.format(Locale.ROOT, "%012d", 300_000_000_000L + b));
        String key = FleetBenchRecords.recordKey(buyer);
        for (String dimension : DIMENSIONS) {
          int first = random.nextInt(hosts);
          for (int j = 0; j < spread; j++) {
            int host = (first + j * 37) % hosts;
            long quantity = 1 + random.nextInt(20);
            byte[] value = FleetBenchRecords.partial("bench-host-" + host, b, hour, buyer, dimension, quantity);
            producer.send(new ProducerRecord<>(fleet.partialsTopic(), key, value));
            records++;
            distinct++;
            units += quantity;
            if (random.nextDouble() < copyShare) {
              producer.send(new ProducerRecord<>(fleet.partialsTopic(), key, value));
              records++;
            }
          }
        }
      }
      producer.flush();
    }
    return new Produced(records, distinct, (long) buyers * DIMENSIONS.length, units);
  }

  private static KafkaConsumer<String, byte[]> finalsConsumer(KafkaBroker broker, KafkaFleet fleet) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partition = List.of(new TopicPartition(fleet.finalsTopic(), 0));
    consumer.assign(partition);
    consumer.seekToEnd(partition);
    consumer.position(partition.get(0));
    return consumer;
  }
}
