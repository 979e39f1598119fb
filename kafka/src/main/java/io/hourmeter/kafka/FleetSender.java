package io.hourmeter.kafka;

import io.hourmeter.CarryPolicy;
import io.hourmeter.ErrorHandler;
import io.hourmeter.MeterStatus.Sending;
import io.hourmeter.Tags;
import io.hourmeter.internal.drain.Counters;
import io.hourmeter.internal.drain.ReportWindow;
import io.hourmeter.internal.drain.SendingAgent;
import io.hourmeter.journal.ChronicleStorageProvider;
import io.hourmeter.kafka.FleetRecords.Carry;
import io.hourmeter.kafka.FleetRecords.HourFinal;
import io.hourmeter.kafka.FleetRecords.ReportOutcome;
import io.hourmeter.MeteringMode;
import io.hourmeter.spi.ReportLedger;
import io.hourmeter.spi.ReportState;
import io.hourmeter.spi.UsageKey;
import io.hourmeter.spi.UsageReport;
import io.hourmeter.spi.UsageSubmitter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's sender: consumes the finals topic (read_committed; one partition, so one active sender
 * holds the product's BatchMeterUsage rate), freezes each batch of finals as reports in a
 * {@link ReportLedger} on the sender's disk with the next finals offset as the ledger checkpoint in the
 * same commit (consume and freeze are one atomic step), and sends them with the SaaS submitter through
 * the same report sender and state machine as one host: IN_FLIGHT and outcome-unknown are persisted
 * before each send, and after a crash a report is resent identically.
 *
 * <p>Usage it carries (the window passed, TimestampOutOfBounds, a quantity over a record's) goes back to
 * the aggregator on the outcomes topic, into the buyer-dimension's next open hour: each shipment of the
 * carry pool has an id that stays the same until it is cleared from the ledger, so one resent after a
 * crash is dropped as a duplicate there. Every settled report's outcome is written to the outcomes
 * topic too. Carries are shipped before anything else moves, and nothing new is frozen while some
 * wait.
 *
 * <p>{@link #doWork()} is one bounded step, for tests; {@link #start()} drives it on a thread. Failures
 * never escape a step: they go to the log and status, and the next step rebuilds from the ledger.
 *
 * <p>Thread-safety: one thread drives {@link #doWork()}; {@link #status()} may be read from any thread.
 */
public final class FleetSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetSender.class);
  /** The ledger key of this sender's random id, which carry and outcome ids start with. */
  static final String SENDER_ID = "fleet.senderId";
  /** The ledger key of the carry shipment being written: generation and hour. */
  static final String CARRY_SHIPMENT = "fleet.carryShipment";
  /** Finals are not read while this many reports are unsettled. */
  static final int MAX_UNSETTLED = 200_000;
  static final int OUTCOMES_PER_TRANSACTION = 5_000;
  static final Duration RECOVERY_RETRY = Duration.ofSeconds(1);

  private final KafkaFleet fleet;
  private final Path ledgerDirectory;
  private final UsageSubmitter submitter;
  private final InstantSource clock;
  private final ReportWindow window;
  private final ErrorHandler errorHandler;
  private final Duration pollTimeout;
  private final TopicPartition finals;
  private ReportLedger ledger;
  private SendingAgent agent;
  private String senderId;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private final Set<Long> published = new HashSet<>();
  /** The counters as of the last shipment that left nothing settled behind. */
  private Counters shippedCounters;
  private Instant nextRecovery = Instant.MIN;
  private volatile boolean assigned;
  private volatile SenderStatus latest;
  private volatile String lastError;
  private Thread thread;
  private volatile boolean running;

  private FleetSender(Builder b) {
    this.fleet = b.fleet;
    this.ledgerDirectory = b.ledgerDirectory;
    this.submitter = b.submitter;
    this.clock = b.clock;
    this.window = b.window;
    this.errorHandler = b.errorHandler;
    this.pollTimeout = b.pollTimeout;
    this.finals = new TopicPartition(fleet.finalsTopic(), 0);
    this.latest = new SenderStatus(clock.instant(), false, 0, -1, 0, null, 0, Sending.RECOVERING, 0, 0, 0, 0, 0, 0,
        null);
  }

  /** A builder for the sender of {@code fleet}. */
  public static Builder builder(KafkaFleet fleet) {
    return new Builder(fleet);
  }

  /**
   * One bounded step: ships waiting carries and outcomes, reads and freezes one batch of finals, sends
   * one step's BatchMeterUsage calls, and ships what that settled. Never throws.
   *
   * @return the work done, 0 when idle
   */
  public int doWork() {
    Instant now = clock.instant();
    int work = 0;
    try {
      if (agent == null) {
        if (now.isBefore(nextRecovery)) {
          return 0;
        }
        recover();
        work++;
      }
      if (!ship()) {
        return work;
      }
      work += poll();
      work += agent.doWork();
      ship();
    } catch (RuntimeException e) {
      failed(e, now);
    }
    publish(now);
    return work;
  }

  private void recover() {
    ledger = new ChronicleStorageProvider().openLedger(ledgerDirectory);
    senderId = ledger.load().get(SENDER_ID);
    if (senderId == null) {
      senderId = UUID.randomUUID().toString();
      ledger.commit(Map.of(SENDER_ID, senderId), Set.of());
    }
    agent = new SendingAgent(ledger, submitter, fleet.productCode(), CarryPolicy.CARRY_FORWARD, window, clock,
        errorHandler);
    published.clear();
    shippedCounters = null;
    if (consumer == null) {
      consumer = new KafkaConsumer<>(FleetClients.consumerConfig(fleet, fleet.senderGroupId()),
          new StringDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(fleet.finalsTopic()), new Seek());
    } else if (assigned) {
      seekToCheckpoint();
    }
    LOG.info("fleet sender {} ready: {} unsettled reports, finals offset {}", senderId, agent.unsettled().size(),
        agent.checkpoint());
  }

  /** On assignment of the finals partition: read on from the ledger's checkpoint, the truth. */
  private final class Seek implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned = partitions.contains(finals);
      if (assigned) {
        seekToCheckpoint();
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.contains(finals)) {
        assigned = false;
      }
    }
  }

  /**
   * Reads on from the ledger's checkpoint or the group's committed offset, whichever is later: a sender
   * on a new disk, or one that was active long ago and takes the partition over again, goes on where the
   * last active sender committed (it commits after each freeze), not from finals another already sent.
   */
  private void seekToCheckpoint() {
    if (agent == null) {
      return;
    }
    OffsetAndMetadata committed = consumer.committed(Set.of(finals)).get(finals);
    long from = Math.max(agent.checkpoint(), committed == null ? 0 : committed.offset());
    if (from > 0) {
      consumer.seek(finals, from);
    } else {
      consumer.seekToBeginning(Set.of(finals));
    }
  }

  /** Reads one batch of finals and freezes it, with the next offset as checkpoint, in one commit. */
  private int poll() {
    if (agent.unsettled().size() >= MAX_UNSETTLED) {
      return 0;
    }
    ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
    if (records.isEmpty()) {
      return 0;
    }
    List<SendingAgent.Usage> usage = new ArrayList<>();
    long next = -1;
    for (ConsumerRecord<String, byte[]> r : records.records(finals)) {
      next = r.offset() + 1;
      if (r.value() == null || !FleetRecords.kind(r.value()).equals(FleetRecords.FINAL)) {
        LOG.warn("skipped a record on {} at offset {} that is not a final", finals, r.offset());
        continue;
      }
      HourFinal f = FleetRecords.decodeFinal(r.value());
      f.units().forEach((tags, u) -> usage.add(new SendingAgent.Usage(
          new UsageKey(f.key().buyer(), f.key().dimension(), tags), f.epochHour(),
          BigInteger.valueOf(u.own()), BigInteger.valueOf(u.carried()))));
    }
    if (next < 0) {
      return 0;
    }
    agent.freeze(usage, next);
    consumer.commitAsync(Map.of(finals, new OffsetAndMetadata(next)), null);
    return records.count();
  }

  /**
   * Writes waiting carries and settled outcomes to the outcomes topic in one transaction, then clears them
   * from the ledger. Returns false (nothing else may move) if carries wait and could not be written.
   */
  private boolean ship() {
    Map<UsageKey, BigInteger> pool = new LinkedHashMap<>(agent.carryPool());
    if (pool.isEmpty() && agent.counters().equals(shippedCounters)) {
      return true; // nothing settled since the last shipment: spare the scan of every report
    }
    Counters before = agent.counters();
    List<UsageReport> settled = new ArrayList<>();
    for (UsageReport r : agent.reports().values()) {
      if (r.state().isFinal() && !published.contains(r.id())) {
        settled.add(r);
        if (settled.size() == OUTCOMES_PER_TRANSACTION) {
          break;
        }
      }
    }
    if (pool.isEmpty() && settled.isEmpty()) {
      shippedCounters = before;
      return true;
    }
    long hour = shipmentHour(pool);
    try {
      if (producer == null) {
        producer = new KafkaProducer<>(FleetClients.producerConfig(fleet, fleet.senderTransactionalId()),
            new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
      }
      producer.beginTransaction();
      pool.forEach((key, units) -> {
        String id = senderId + ":" + agent.carryGeneration() + ":" + key.encoded();
        Carry carry = new Carry(id, hour, key, units.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact());
        producer.send(new ProducerRecord<>(fleet.outcomesTopic(), FleetRecords.recordKey(key.buyer()),
            FleetRecords.encode(carry)));
      });
      for (UsageReport r : settled) {
        ReportOutcome o = new ReportOutcome(senderId + ":" + r.id(), r.epochHour(), r.key(), r.quantity(),
            r.state().name(), r.meteringRecordId() == null ? "" : r.meteringRecordId(),
            r.reason() == null ? "" : r.reason());
        producer.send(new ProducerRecord<>(fleet.outcomesTopic(), FleetRecords.recordKey(r.buyer()),
            FleetRecords.encode(o)));
      }
      producer.commitTransaction();
    } catch (RuntimeException e) {
      resetProducer();
      throw e;
    }
    if (!pool.isEmpty()) {
      agent.carriesShipped(pool);
      ledger.commit(Map.of(), Set.of(CARRY_SHIPMENT));
    }
    List<Long> forget = new ArrayList<>();
    for (UsageReport r : settled) {
      if (r.state() == ReportState.DEAD_LETTERED) {
        published.add(r.id());
      } else {
        forget.add(r.id());
      }
    }
    agent.forget(forget);
    if (settled.size() < OUTCOMES_PER_TRANSACTION) {
      shippedCounters = before;
    }
    return true;
  }

  /**
   * The hour a carry shipment is filed under in the aggregator's dedupe store: fixed in the ledger when the
   * shipment is first tried, so a resend after a crash is filed, and dropped, the same way.
   */
  private long shipmentHour(Map<UsageKey, BigInteger> pool) {
    if (pool.isEmpty()) {
      return 0;
    }
    String generation = Long.toString(agent.carryGeneration());
    String kept = ledger.load().get(CARRY_SHIPMENT);
    if (kept != null && kept.startsWith(generation + ":")) {
      return Long.parseLong(kept.substring(generation.length() + 1));
    }
    long hour = Math.floorDiv(clock.instant().getEpochSecond(), 3600);
    ledger.commit(Map.of(CARRY_SHIPMENT, generation + ":" + hour), Set.of());
    return hour;
  }

  private void failed(RuntimeException e, Instant now) {
    lastError = e.toString();
    LOG.warn("fleet sender step failed; rebuilding from the ledger in {}", RECOVERY_RETRY, e);
    nextRecovery = now.plus(RECOVERY_RETRY);
    agent = null;
    closeLedger();
  }

  private void closeLedger() {
    if (ledger != null) {
      try {
        ledger.close();
      } catch (RuntimeException e) {
        LOG.debug("closing the sender's ledger failed", e);
      }
      ledger = null;
    }
  }

  private void resetProducer() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("closing the outcomes producer failed", e);
      }
      producer = null;
    }
  }

  private void publish(Instant now) {
    SendingAgent a = agent;
    if (a == null) {
      latest = new SenderStatus(now, assigned, latest.finalsPending(), latest.finalsLag(), latest.finalsOffset(),
          latest.lastSuccess(), latest.consecutiveFailures(), Sending.RECOVERING, latest.acceptedReports(),
          latest.acceptedUnits(), latest.carriedUnits(), latest.deadLetteredReports(), latest.deadLetteredUnits(),
          latest.carriesWaiting(), lastError);
      return;
    }
    Counters c = a.counters();
    long lag = -1;
    try {
      OptionalLong l = assigned ? consumer.currentLag(finals) : OptionalLong.empty();
      lag = l.orElse(-1);
    } catch (RuntimeException e) {
      LOG.debug("reading the finals lag failed", e);
    }
    long waiting = 0;
    for (BigInteger units : a.carryPool().values()) {
      waiting += units.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }
    String error = a.lastError() != null ? a.lastError() : lastError;
    latest = new SenderStatus(now, assigned, a.unsettled().size(), lag, a.checkpoint(), a.lastSuccess(),
        a.consecutiveFailures(), a.sending(), c.acceptedReports(), c.acceptedUnits(), c.carriedUnits(),
        c.deadLetteredReports(), c.deadLetteredUnits(), waiting, error);
  }

  /** The status as of the last step. */
  public SenderStatus status() {
    return latest;
  }

  /** Starts a daemon thread that drives {@link #doWork()} until {@link #close()}. */
  public synchronized FleetSender start() {
    if (thread != null) {
      throw new IllegalStateException("the sender is already started");
    }
    running = true;
    thread = new Thread(this::run, "hourmeter-fleet-sender-" + fleet.productCode());
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void run() {
    long idleMillis = 1;
    while (running) {
      if (doWork() > 0) {
        idleMillis = 1;
      } else {
        try {
          Thread.sleep(idleMillis);
        } catch (InterruptedException e) {
          return;
        }
        idleMillis = Math.min(50, idleMillis * 2);
      }
    }
  }

  /** Stops the thread (if started) after its step, and closes the clients and the ledger. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t != null) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (consumer != null) {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("closing the finals consumer failed", e);
      }
      consumer = null;
    }
    resetProducer();
    closeLedger();
    agent = null;
  }

  /** Options of the fleet sender. Not thread-safe. */
  public static final class Builder {
    private final KafkaFleet fleet;
    private Path ledgerDirectory;
    private UsageSubmitter submitter;
    private InstantSource clock = InstantSource.system();
    private ReportWindow window = ReportWindow.withDefaultMargins(MeteringMode.SAAS);
    private ErrorHandler errorHandler = ErrorHandler.logOnly();
    private Duration pollTimeout = Duration.ofMillis(200);

    private Builder(KafkaFleet fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** Where the sender's ledger lives (required; persistent local disk, like a host's journal). */
    public Builder ledgerDirectory(Path directory) {
      this.ledgerDirectory = Objects.requireNonNull(directory, "ledgerDirectory");
      return this;
    }

    /** The BatchMeterUsage submitter (required): {@code AwsUsageSubmitter.builder().batchMeterUsage().build()}. */
    public Builder submitter(UsageSubmitter batchSubmitter) {
      this.submitter = Objects.requireNonNull(batchSubmitter, "submitter");
      return this;
    }

    /** The clock of deadlines and backoff (default the system clock); handed to the submitter too. */
    public Builder clock(InstantSource source) {
      this.clock = Objects.requireNonNull(source, "clock");
      return this;
    }

    /** The ErrorHandler that receives send failures, dead letters and carries (default: log only). */
    public Builder errorHandler(ErrorHandler handler) {
      this.errorHandler = Objects.requireNonNull(handler, "errorHandler");
      return this;
    }

    /** How long one step waits for finals (default 200 ms). */
    public Builder pollTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "pollTimeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("pollTimeout must be within 0..10 s but was " + timeout);
      }
      this.pollTimeout = timeout;
      return this;
    }

    /**
     * Checks the options and makes the sender; it connects at its first step.
     *
     * @throws IllegalStateException naming a missing option, or a submitter that is not BatchMeterUsage
     */
    public FleetSender build() {
      if (ledgerDirectory == null) {
        throw new IllegalStateException("ledgerDirectory is required");
      }
      if (submitter == null) {
        throw new IllegalStateException("submitter is required: AwsUsageSubmitter.builder().batchMeterUsage().build()");
      }
      if (submitter.maxReportsPerCall() <= 1) {
        throw new IllegalStateException("submitter: the fleet sender reports per buyer with BatchMeterUsage, but "
            + submitter + " sends one report a call; use AwsUsageSubmitter.builder().batchMeterUsage()");
      }
      try {
        Files.createDirectories(ledgerDirectory);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("ledgerDirectory " + ledgerDirectory + " cannot be created: " + e, e);
      }
      submitter.useMeterClock(clock);
      return new FleetSender(this);
    }
  }
}
