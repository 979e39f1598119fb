package io.hourmeter.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.local.AcceleratedClock;
import io.hourmeter.spring.boot.HourmeterLifecycle;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestExecutionListeners;
import org.springframework.test.context.support.DependencyInjectionTestExecutionListener;
import org.springframework.test.context.support.DirtiesContextTestExecutionListener;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.LocalMeteringEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample started whole, as a user runs it: a random port, the starter's meter with the real AWS SDK
 * client over HTTP to the local Metering endpoint on 127.0.0.1, Actuator and Prometheus. Requests go
 * over HTTP; the usage is then seen reconciled at the endpoint and in /actuator/prometheus. The meter and
 * the endpoint share a clock held at ten to the hour until the test begins, then accelerated (one hour in
 * 30 seconds), so that the hour the requests land in ends five seconds later. At the end the test
 * closes the application and checks the order of its shutdown.
 */
@DirtiesContext
// Only these listeners: the test closes its context, and the others would look the closed context up again.
@TestExecutionListeners(listeners = {DependencyInjectionTestExecutionListener.class,
    DirtiesContextTestExecutionListener.class}, mergeMode = TestExecutionListeners.MergeMode.REPLACE_DEFAULTS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"hourmeter.region=us-east-1", "hourmeter.send-jitter=0s"})
class TenantApplicationTest {

  /** Ten minutes to the hour, held there until the test starts it; then one hour passes in 30 s. */
  private static final HeldClock CLOCK = new HeldClock(Instant.now().truncatedTo(ChronoUnit.HOURS)
      .minus(Duration.ofMinutes(70)));
  private static final LocalMeteringEndpoint ENDPOINT = LocalMeteringEndpoint.builder().clock(CLOCK)
      .product("tenant-service-demo", "basic_requests", "premium_requests").build().start();
  private static final Path JOURNAL = journalDirectory();

  private final HttpClient http = HttpClient.newHttpClient();

  @Value("${local.server.port}")
  int port;

  @Autowired
  ConfigurableApplicationContext context;

  @Autowired
  Meter meter;

  @Autowired
  ShutdownProbe probe;

  /**
   * Stopped just before the meter's lifecycle (one phase above it): records whether the web server still
   * accepted connections then, and whether the meter was still open.
   */
  static final class ShutdownProbe implements SmartLifecycle {
    private final Environment environment;
    private final Meter meter;
    private volatile boolean running;
    volatile Boolean serverRefusedConnections;
    volatile Boolean meterOpen;

    ShutdownProbe(Environment environment, Meter meter) {
      this.environment = environment;
      this.meter = meter;
    }

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      meterOpen = !meter.status().closed();
      int serverPort = Integer.parseInt(environment.getProperty("local.server.port"));
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", serverPort), 2_000);
        serverRefusedConnections = false;
      } catch (IOException refused) {
        serverRefusedConnections = true;
      }
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public int getPhase() {
      return HourmeterLifecycle.PHASE + 1;
    }
  }

  /** Stands still until {@link #start()}, then runs accelerated: however long the application takes to start. */
  static final class HeldClock implements InstantSource {
    private final Instant held;
    private volatile AcceleratedClock running;

    HeldClock(Instant held) {
      this.held = held;
    }

    void start() {
      running = AcceleratedClock.startingNow(held, Duration.ofHours(1), Duration.ofSeconds(30));
    }

    @Override
    public Instant instant() {
      AcceleratedClock clock = running;
      return clock == null ? held : clock.instant();
    }
  }

  @TestConfiguration
  static class AcceleratedTime {
    @Bean
    ShutdownProbe shutdownProbe(Environment environment, Meter meter) {
      return new ShutdownProbe(environment, meter);
    }

    @Bean(name = "hourmeterClock")
    InstantSource hourmeterClock() {
      return CLOCK;
    }
  }

  @DynamicPropertySource
  static void towardsTheLocalEndpoint(DynamicPropertyRegistry registry) {
    registry.add("hourmeter.endpoint-override", () -> ENDPOINT.uri().toString());
    registry.add("hourmeter.journal-directory", JOURNAL::toString);
  }

  @AfterAll
  static void stopEndpoint() {
    ENDPOINT.close();
  }

  private static Path journalDirectory() {
    try {
      return Files.createTempDirectory("hourmeter-spring-sample").resolve("journal");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsOverHttpAreMeteredReportedAndReconciledInHealthAndPrometheus() throws Exception {
    CLOCK.start();
    for (int i = 0; i < 3; i++) {
      assertThat(get("/work?tenant=acme").statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(get("/work?tenant=initech").statusCode()).isEqualTo(200);
    }
    assertThat(get("/work?tenant=nobody").statusCode()).isEqualTo(404);
    Instant hour = CLOCK.instant().truncatedTo(ChronoUnit.HOURS);

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"hourmeter\":{").containsPattern("\"level\":\"(OK|DEGRADED)\"");

    // The hour ends; it is frozen and sent, and Prometheus shows it accepted.
    String prometheus = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(55).toNanos();
    while (System.nanoTime() < deadline) {
      prometheus = get("/actuator/prometheus").body();
      if (prometheus.contains("hourmeter_usage_accepted_units_total 5.0")) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(prometheus).contains("hourmeter_usage_accepted_units_total 5.0")
        .contains("hourmeter_reports_accepted_total 2.0")
        .contains("hourmeter_usage_pending_units{dimension=\"premium_requests\"} 0.0")
        .contains("hourmeter_circuit_state{state=\"closed\"} 1.0")
        .contains("hourmeter_health{level=\"ok\"} 1.0");

    Map<String, Long> reconciled = new TreeMap<>();
    for (AcceptedRecord accepted : ENDPOINT.accepted()) {
      assertThat(accepted.timestamp()).isEqualTo(hour);
      reconciled.merge(accepted.dimension(), accepted.quantity(), Long::sum);
    }
    assertThat(reconciled).isEqualTo(Map.of("premium_requests", 3L, "basic_requests", 2L));

    // Graceful shutdown: the web server stops taking requests first, then the meter closes.
    context.close();
    assertThat(probe.serverRefusedConnections).as("web server stopped before the meter closed").isTrue();
    assertThat(probe.meterOpen).as("meter still open once the web server had stopped").isTrue();
    assertThat(meter.status().sending()).isEqualTo(MeterStatus.Sending.CLOSED);
  }
}
