package io.hourmeter.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local AWS Marketplace Metering endpoint for tests and demos: an HTTP server on 127.0.0.1 that
 * speaks AWS JSON 1.1 ({@code POST /}, {@code X-Amz-Target: AWSMPMeteringService.MeterUsage},
 * {@code application/x-amz-json-1.1}) and answers MeterUsage as the service model and AWS's documented
 * semantics say:
 * <ul>
 *   <li>without a ClientToken (EC2/ECS/EKS, "hourly"): the Timestamp is rounded down to the hour; one
 *       record per product, dimension and hour; an identical request returns the same record id, another
 *       quantity is {@code DuplicateRequestException};</li>
 *   <li>with a ClientToken (AgentCore): the token is the idempotency key; the same request returns the
 *       same record id, another request is {@code IdempotencyConflictException} (HTTP 409);</li>
 *   <li>a Timestamp over six hours old, in the future, or before the software started is
 *       {@code TimestampOutOfBoundsException}; unknown product {@code InvalidProductCodeException}; a
 *       product marked not entitled {@code CustomerNotEntitledException}; unknown dimension
 *       {@code InvalidUsageDimensionException}; model limits {@code ValidationException},
 *       {@code InvalidTagException} or {@code InvalidUsageAllocationsException};</li>
 *   <li>{@code DryRun=true} answers {@code DryRunOperation}, or {@code UnauthorizedException} for the
 *       denied access key;</li>
 *   <li>credentials come from the SigV4 {@code Authorization} header (the signature is not checked): a
 *       rejected access key is {@code UnrecognizedClientException}, a denied one
 *       {@code AccessDeniedException}, an expired session token {@code ExpiredTokenException}, and a
 *       signing region other than the endpoint's {@code InvalidEndpointRegionException}.</li>
 * </ul>
 * and {@code AWSMPMeteringService.BatchMeterUsage} (SaaS) by the same model, over the same store:
 * <ul>
 *   <li>0 to 25 UsageRecords and a body under 1 MB, member limits and patterns
 *       ({@code CustomerAWSAccountId}, {@code LicenseArn}) as {@code ValidationException}; ProductCode may
 *       be left out when every record carries a LicenseArn, which then names the product;</li>
 *   <li>per record a {@code Status}: {@code Success} with a MeteringRecordId for a buyer given with
 *       {@link Builder#subscriber} or {@link #subscribe}, {@code CustomerNotSubscribed} for any other
 *       buyer, {@code DuplicateRecord} for another quantity at the same buyer, dimension and minute (the
 *       seconds and milliseconds of a Timestamp are ignored; the first quantity stands); an identical
 *       record returns the same MeteringRecordId; each result echoes its record as received;</li>
 *   <li>buyers by {@code CustomerIdentifier}, {@code CustomerAWSAccountId}, or the account plus a
 *       {@code LicenseArn} (two licenses of one account are two buyers); a known license named with
 *       another account or product is {@code InvalidLicenseException};</li>
 *   <li>a record older than {@link Builder#batchWindow} (24 h), in the future, or of a month whose usage
 *       closed at 06:00 UTC on the 1st is {@code TimestampOutOfBoundsException} for the whole batch; an
 *       unknown product or dimension rejects the whole batch too;</li>
 *   <li>{@link Faults#unprocessedRecordsNext} leaves records in {@code UnprocessedRecords}, unrecorded,
 *       and {@link Faults#rejectNext} answers whole calls with a {@link ModelledError}.</li>
 * </ul>
 * {@code AWSMPMeteringService.RegisterUsage} (paid containers) checks the product as MeterUsage does
 * (unknown: {@code InvalidProductCodeException}; not entitled: {@code CustomerNotEntitledException}),
 * the PublicKeyVersion against {@link Builder#publicKeyVersions} ({@code InvalidPublicKeyVersionException}),
 * and the signing region ({@code InvalidRegionException}), and answers a real PS256 JWT over the
 * product code, key version, nonce and issue time, signed with its own key pair of that version
 * ({@link #publicKeyPem}), with {@code PublicKeyRotationTimestamp} for a version given
 * {@link Builder#publicKeyRotation}; {@link Faults#tamperSignatureNext} spoils the token, and
 * {@link Faults#rejectNext} answers PlatformNotSupported, DisabledApi and the rest.
 * {@code AWSMPMeteringService.ResolveCustomer} answers the tokens given with {@link Builder#registration}
 * ({@code LicenseArn} included), {@code ExpiredTokenException} for those given with
 * {@link Builder#expiredRegistrationToken}, and {@code InvalidTokenException} otherwise.
 * Errors are {@code {"__type": ..., "message": ...}} with the {@code x-amzn-ErrorType} header. Faults
 * (throttling, 500s, modelled errors, unprocessed records, dropped connections before or after
 * recording, latency) are switched at run time through {@link #faults()}.
 *
 * <pre>{@code
 * try (LocalMeteringEndpoint endpoint = LocalMeteringEndpoint.builder()
 *     .product("prod-abc123", "users", "requests").clock(clock).build().start()) {
 *   client = MarketplaceMeteringClient.builder().endpointOverride(endpoint.uri())...;
 * }
 * }</pre>
 *
 * <p>Thread-safe: requests are handled concurrently, and every accessor may be called from any thread.
 */
public final class LocalMeteringEndpoint implements AutoCloseable {

  /** The X-Amz-Target of MeterUsage. */
  static final String METER_USAGE_TARGET = "AWSMPMeteringService.MeterUsage";
  /** The X-Amz-Target of BatchMeterUsage. */
  static final String BATCH_METER_USAGE_TARGET = "AWSMPMeteringService.BatchMeterUsage";
  /** The X-Amz-Target of RegisterUsage. */
  static final String REGISTER_USAGE_TARGET = "AWSMPMeteringService.RegisterUsage";
  /** The X-Amz-Target of ResolveCustomer. */
  static final String RESOLVE_CUSTOMER_TARGET = "AWSMPMeteringService.ResolveCustomer";
  private static final Logger LOG = LoggerFactory.getLogger(LocalMeteringEndpoint.class);

  static {
    // The JDK's HTTP server writes a response's headers and body in two packets; with Nagle's algorithm
    // on, the body waits for the client's delayed ACK, about 40 ms a request (measured: median MeterUsage
    // round trip 48 ms with it, 2.7 ms without). The JDK reads this property once, when its server is
    // first used in the JVM; an explicit setting is left alone.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final MeteringRecords records;
  private final ContainerRegistrations registrations;
  private final Faults faults = new Faults();
  private final MeteringHttpHandler handler;
  private final int port;
  private HttpServer server;
  private ExecutorService executor;
  private boolean closed;

  private LocalMeteringEndpoint(Builder builder) {
    this.records = new MeteringRecords(builder.products, builder.notEntitled, builder.clock, builder.window,
        builder.softwareStartedAt, builder.batchWindow, new Subscriptions());
    builder.subscribers.forEach(subscriber -> records.subscribe(subscriber.productCode(), subscriber.customer()));
    builder.registrations.forEach((token, subscriber) ->
        records.register(token, subscriber.productCode(), subscriber.customer()));
    builder.expiredRegistrationTokens.forEach(records::expireRegistration);
    this.registrations = new ContainerRegistrations(records, builder.clock, builder.publicKeyVersions,
        builder.rotations);
    this.handler = new MeteringHttpHandler(records, registrations, faults,
        new MeteringHttpHandler.Callers(builder.region,
        builder.rejectedAccessKeys, builder.deniedAccessKeys, builder.expiredSessionTokens));
    this.port = builder.port;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds 127.0.0.1 (port 0 picks a free one) and starts serving. Returns this. */
  public synchronized LocalMeteringEndpoint start() {
    if (server != null) {
      throw new IllegalStateException(closed ? "closed; build a new endpoint" : "already started on " + uri());
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind 127.0.0.1:" + port, e);
    }
    AtomicInteger threads = new AtomicInteger();
    executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "local-metering-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
    LOG.info("Local Metering endpoint listening on {}", uri());
    return this;
  }

  /** Where the endpoint listens, {@code http://127.0.0.1:<port>}; for the SDK's endpointOverride. */
  public synchronized URI uri() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Every record accepted so far, in order (idempotent replays are not repeated): MeterUsage's and each
   * Success of BatchMeterUsage, the latter with {@link AcceptedRecord#customer()} as sent.
   */
  public List<AcceptedRecord> accepted() {
    return records.accepted();
  }

  /** The faults to inject, changeable while serving. */
  public Faults faults() {
    return faults;
  }

  /** Request counts so far. */
  public Counters counters() {
    return handler.counters();
  }

  /**
   * The bodies of the last requests received (at most 10,000), oldest first, exactly as sent, whatever
   * came of them (dropped and throttled ones too): for checking that resends are byte-identical.
   */
  public List<String> requestBodies() {
    return handler.requestBodies();
  }

  /**
   * Records usage as if another process (on the same instance) had already metered it, without a
   * ClientToken: a later request for the same product, dimension and hour is then idempotent or a
   * DuplicateRequest. Returns the record.
   */
  public AcceptedRecord preRecord(String productCode, String dimension, Instant timestamp, long quantity) {
    return records.preRecord(productCode, dimension, timestamp, quantity, null);
  }

  /** As {@link #preRecord(String, String, Instant, long)}, with a ClientToken (AgentCore). */
  public AcceptedRecord preRecord(String productCode, String dimension, Instant timestamp, long quantity,
      String clientToken) {
    return records.preRecord(productCode, dimension, timestamp, quantity,
        Objects.requireNonNull(clientToken, "clientToken"));
  }

  /**
   * Records BatchMeterUsage usage as if another process (another host of the same SaaS product) had
   * already metered it: a later record for the same buyer, dimension and minute is then idempotent or a
   * DuplicateRecord. The buyer must be subscribed. Returns the record.
   */
  public AcceptedRecord preRecord(String productCode, SaasCustomer customer, String dimension, Instant timestamp,
      long quantity) {
    return records.preRecord(productCode, Objects.requireNonNull(customer, "customer"), dimension, timestamp,
        quantity);
  }

  /**
   * The RegisterUsage public key of {@code version} (1 to {@link Builder#publicKeyVersions}) as PEM
   * ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo): what a container under test is
   * configured with in place of the key AWS Marketplace gives sellers. The key pair is this endpoint's
   * own, generated (RSA, 2048 bits) on first use; the private key never leaves it.
   *
   * @throws IllegalArgumentException for a version the endpoint does not have
   */
  public String publicKeyPem(int version) {
    return registrations.publicKeyPem(version);
  }

  /** Every RegisterUsage call answered with a Signature so far (tampered ones too), in order. */
  public List<ReceivedRegistration> registrations() {
    return registrations.received();
  }

  /** Subscribes a SaaS buyer while serving, as {@link Builder#subscriber} does at build time. */
  public void subscribe(String productCode, SaasCustomer customer) {
    records.subscribe(productCode, Objects.requireNonNull(customer, "customer"));
  }

  /** Ends a SaaS buyer's subscription: its later records are CustomerNotSubscribed. */
  public void unsubscribe(String productCode, SaasCustomer customer) {
    records.unsubscribe(productCode, Objects.requireNonNull(customer, "customer"));
  }

  /** Stops serving at once; idempotent. */
  @Override
  public synchronized void close() {
    if (server != null && !closed) {
      closed = true;
      server.stop(0);
      executor.shutdownNow();
      LOG.info("Local Metering endpoint stopped");
    }
  }

  /**
   * Runs an endpoint until the process is stopped. Options: {@code --port N} (default 0: any free
   * port), {@code --product CODE:dim1,dim2} (repeatable; default {@code prod-demo:users,requests}),
   * {@code --region R}, {@code --not-entitled CODE}, {@code --rejected-key AKID},
   * {@code --denied-key AKID}, {@code --subscriber CODE:ACCOUNT[:LICENSE_ARN]} (repeatable; a SaaS
   * buyer), {@code --speed X} (clock runs X times real time), {@code --throttle-rate R},
   * {@code --error-rate R}, {@code --drop-rate R}, {@code --unprocessed-rate R} (BatchMeterUsage records
   * left unprocessed), {@code --latency-ms N}.
   * Prints the URI on standard output.
   */
  public static void main(String[] args) throws InterruptedException {
    LocalMeteringEndpoint endpoint = CommandLine.parse(args).build().start();
    CommandLine.applyFaults(args, endpoint.faults());
    Runtime.getRuntime().addShutdownHook(new Thread(endpoint::close, "local-metering-shutdown"));
    System.out.println(endpoint.uri());
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * Configures a {@link LocalMeteringEndpoint}. Not thread-safe; build once.
   */
  public static final class Builder {
    private final Map<String, Set<String>> products = new LinkedHashMap<>();
    private final Set<String> notEntitled = new HashSet<>();
    private final Set<String> rejectedAccessKeys = new HashSet<>();
    private final Set<String> deniedAccessKeys = new HashSet<>();
    private final Set<String> expiredSessionTokens = new HashSet<>();
    private InstantSource clock = InstantSource.system();
    private String region = "us-east-1";
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final Map<String, Subscriber> registrations = new LinkedHashMap<>();
    private final Set<String> expiredRegistrationTokens = new HashSet<>();
    private Duration window = Duration.ofHours(6);
    private Duration batchWindow = Duration.ofHours(24);
    private Instant softwareStartedAt;
    private int publicKeyVersions = 1;
    private final Map<Integer, Instant> rotations = new LinkedHashMap<>();
    private int port;

    private Builder() { }

    /** A product the endpoint knows, with its dimensions (at most 24, as AWS allows). */
    public Builder product(String code, String... dimensions) {
      Objects.requireNonNull(code, "product code");
      if (dimensions.length == 0 || dimensions.length > 24) {
        throw new IllegalArgumentException("product " + code + " needs 1 to 24 dimensions but has "
            + dimensions.length);
      }
      if (products.putIfAbsent(code, Set.of(dimensions)) != null) {
        throw new IllegalArgumentException("product " + code + " is set twice");
      }
      return this;
    }

    /** A known product whose buyer is not entitled: MeterUsage answers CustomerNotEntitledException. */
    public Builder notEntitled(String productCode) {
      notEntitled.add(Objects.requireNonNull(productCode, "notEntitled"));
      return this;
    }

    /** The clock for the time window and received-at times; default the system clock. */
    public Builder clock(InstantSource source) {
      clock = Objects.requireNonNull(source, "clock");
      return this;
    }

    /** The endpoint's region; requests signed for another are InvalidEndpointRegionException. */
    public Builder region(String name) {
      region = Objects.requireNonNull(name, "region");
      return this;
    }

    /** Requests signed with this access key id get UnrecognizedClientException. */
    public Builder rejectedAccessKey(String accessKeyId) {
      rejectedAccessKeys.add(Objects.requireNonNull(accessKeyId, "rejectedAccessKey"));
      return this;
    }

    /**
     * This access key id lacks {@code aws-marketplace:MeterUsage}: AccessDeniedException, and
     * UnauthorizedException for DryRun.
     */
    public Builder deniedAccessKey(String accessKeyId) {
      deniedAccessKeys.add(Objects.requireNonNull(accessKeyId, "deniedAccessKey"));
      return this;
    }

    /** Requests carrying this session token get ExpiredTokenException. */
    public Builder expiredSessionToken(String sessionToken) {
      expiredSessionTokens.add(Objects.requireNonNull(sessionToken, "expiredSessionToken"));
      return this;
    }

    /** Timestamps before this instant are TimestampOutOfBoundsException; default: no such limit. */
    public Builder softwareStartedAt(Instant startedAt) {
      softwareStartedAt = Objects.requireNonNull(startedAt, "softwareStartedAt");
      return this;
    }

    /** How far in the past a Timestamp may be; default six hours, as AWS. */
    public Builder window(Duration past) {
      window = positive(past, "window");
      return this;
    }

    /**
     * A SaaS buyer subscribed to a product of this endpoint: its BatchMeterUsage records are metered;
     * records of buyers not given here are CustomerNotSubscribed.
     */
    public Builder subscriber(String productCode, SaasCustomer customer) {
      subscribers.add(new Subscriber(Objects.requireNonNull(productCode, "subscriber product code"),
          Objects.requireNonNull(customer, "subscriber")));
      return this;
    }

    /**
     * A buyer's registration: subscribes {@code customer} as {@link #subscriber} does, and
     * ResolveCustomer answers {@code registrationToken} with its CustomerIdentifier,
     * CustomerAWSAccountId, LicenseArn (those it has) and the ProductCode. Other tokens are
     * InvalidTokenException.
     */
    public Builder registration(String registrationToken, String productCode, SaasCustomer customer) {
      Subscriber subscriber = new Subscriber(Objects.requireNonNull(productCode, "registration product code"),
          Objects.requireNonNull(customer, "registration"));
      if (expiredRegistrationTokens.contains(Objects.requireNonNull(registrationToken, "registrationToken"))
          || registrations.putIfAbsent(registrationToken, subscriber) != null) {
        throw new IllegalArgumentException("registration: token " + registrationToken + " is set twice");
      }
      return this;
    }

    /**
     * A registration token AWS issued that has since expired (the buyer's browser took too long to
     * reach the fulfillment URL, or the page held the token too long): ResolveCustomer answers it with
     * {@code ExpiredTokenException}, as the model describes, and the message speaks of the registration
     * token (never of the "security token", which is how AWS reports expired session credentials).
     */
    public Builder expiredRegistrationToken(String registrationToken) {
      Objects.requireNonNull(registrationToken, "expiredRegistrationToken");
      if (registrations.containsKey(registrationToken) || !expiredRegistrationTokens.add(registrationToken)) {
        throw new IllegalArgumentException("expiredRegistrationToken: token " + registrationToken
            + " is already given");
      }
      return this;
    }

    /**
     * How long after its Timestamp a BatchMeterUsage record is accepted; default 24 hours, the current
     * model (older documents say 6). Previous-month usage is accepted only until 06:00 UTC on the 1st
     * in any case.
     */
    public Builder batchWindow(Duration past) {
      batchWindow = positive(past, "batchWindow");
      return this;
    }

    private static Duration positive(Duration past, String option) {
      if (past.isNegative() || past.isZero()) {
        throw new IllegalArgumentException(option + " must be positive but was " + past);
      }
      return past;
    }

    /**
     * How many RegisterUsage public key versions the endpoint has, 1 to {@code versions} (default 1):
     * each has its own key pair ({@link LocalMeteringEndpoint#publicKeyPem}), and any other version is
     * InvalidPublicKeyVersionException.
     */
    public Builder publicKeyVersions(int versions) {
      if (versions < 1) {
        throw new IllegalArgumentException("publicKeyVersions must be >= 1 but was " + versions);
      }
      publicKeyVersions = versions;
      return this;
    }

    /**
     * Marks public key {@code version} as expiring: RegisterUsage answers for it carry
     * {@code PublicKeyRotationTimestamp} {@code rotatesAt}, as AWS does once a key version has expired.
     */
    public Builder publicKeyRotation(int version, Instant rotatesAt) {
      if (version < 1) {
        throw new IllegalArgumentException("publicKeyRotation version must be >= 1 but was " + version);
      }
      if (rotations.putIfAbsent(version, Objects.requireNonNull(rotatesAt, "publicKeyRotation")) != null) {
        throw new IllegalArgumentException("publicKeyRotation: version " + version + " is set twice");
      }
      return this;
    }

    /** The port on 127.0.0.1; default 0, a free one. */
    public Builder port(int number) {
      if (number < 0 || number > 65_535) {
        throw new IllegalArgumentException("port must be within 0..65535 but was " + number);
      }
      port = number;
      return this;
    }

    public LocalMeteringEndpoint build() {
      if (products.isEmpty()) {
        throw new IllegalStateException("product: at least one product is required");
      }
      for (String code : notEntitled) {
        if (!products.containsKey(code)) {
          throw new IllegalStateException("notEntitled: " + code + " is not a product of this endpoint");
        }
      }
      for (int version : rotations.keySet()) {
        if (version > publicKeyVersions) {
          throw new IllegalStateException("publicKeyRotation: version " + version + " is not within 1.."
              + publicKeyVersions + " (publicKeyVersions)");
        }
      }
      checkProducts(subscribers, "subscriber");
      checkProducts(registrations.values(), "registration");
      return new LocalMeteringEndpoint(this);
    }

    private void checkProducts(Collection<Subscriber> buyers, String option) {
      for (Subscriber subscriber : buyers) {
        if (!products.containsKey(subscriber.productCode())) {
          throw new IllegalStateException(option + ": " + subscriber.productCode()
              + " is not a product of this endpoint");
        }
      }
    }

    private record Subscriber(String productCode, SaasCustomer customer) { }
  }
}
