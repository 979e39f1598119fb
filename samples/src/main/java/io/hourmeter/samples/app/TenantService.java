package io.hourmeter.samples.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hourmeter.Dimension;
import io.hourmeter.Meter;
import io.hourmeter.MeterStatus;
import io.hourmeter.MeteringHealth;
import io.hourmeter.aws.AwsUsageSubmitter;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.samples.support.Json;
import io.hourmeter.spi.UsageSubmitter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A minimal real application that meters its requests with Hourmeter: a small HTTP service whose
 * tenants are on a "basic" or a "premium" plan, each plan a dimension of the product.
 *
 * <ul>
 *   <li>{@code GET /work?tenant=acme}: does the tenant's work and records one request on the plan's
 *       dimension, through a handle looked up once at start;</li>
 *   <li>{@code GET /health/metering}: {@link MeteringHealth} of {@code meter.status()}: 200 while
 *       metering is fine or degraded for under two hours, 503 after that (AWS's fail-open guidance);</li>
 *   <li>a shutdown hook stops the server, then closes the meter, which stops the drainer cleanly.</li>
 * </ul>
 * Start it with the Chronicle JVM flags: {@code samples/run-sample-app.sh}, or
 * {@code java -jar samples/target/hourmeter-samples-app.jar}, whose manifest carries them.
 */
@Command(name = "tenant-service", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A small HTTP service that meters requests per plan with Hourmeter.")
public final class TenantService implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port on 127.0.0.1; 0 picks one.")
  int port;

  @Option(names = "--journal", defaultValue = "hourmeter-journal",
      description = "The journal directory (keep it on persistent local disk). Default: ${DEFAULT-VALUE}")
  Path journal;

  @Option(names = "--product-code", description = "Your AWS Marketplace product code.")
  String productCode;

  @Option(names = "--region", description = "AWS region; default: the SDK's chain (the instance's own).")
  String region;

  @Option(names = "--local-endpoint",
      description = "Send to a local Metering endpoint started in this process instead of AWS (to try it out).")
  boolean localEndpoint;

  /** The plans: each is a dimension declared on the product listing. */
  private static final Map<String, String> PLAN_OF_TENANT = Map.of("acme", "premium_requests",
      "globex", "premium_requests", "initech", "basic_requests");
  private static final String[] DIMENSIONS = {"basic_requests", "premium_requests"};
  private static final String LOCAL_PRODUCT = "tenant-service-demo";

  public static void main(String[] args) {
    int code = new CommandLine(new TenantService()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!localEndpoint && productCode == null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--product-code is required (or --local-endpoint)");
    }
    LocalMeteringEndpoint endpoint = localEndpoint
        ? LocalMeteringEndpoint.builder().product(LOCAL_PRODUCT, DIMENSIONS).build().start() : null;
    Meter meter = Meter.builder()
        .productCode(endpoint != null ? LOCAL_PRODUCT : productCode)
        .dimensions(DIMENSIONS)
        .journalDirectory(journal)
        .submitter(submitter(endpoint))
        .build();
    // Look the handles up once; request threads only call record() on them.
    Map<String, Dimension> planHandles = Map.of(
        "basic_requests", meter.dimension("basic_requests"),
        "premium_requests", meter.dimension("premium_requests"));

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/work", exchange -> guarded(exchange, () -> work(exchange, planHandles)));
    server.createContext("/health/metering", exchange -> guarded(exchange, () -> health(exchange, meter)));
    server.start();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(2);    // finish in-flight requests first, so their usage is recorded
      meter.close();     // then stop the drainer (bounded wait for an in-flight send), close the journal
      if (endpoint != null) {
        endpoint.close();
      }
      System.out.println("tenant-service stopped; meter closed");
      System.out.flush();
      stopped.countDown();
    }, "tenant-service-shutdown"));
    System.out.println("tenant-service listening on http://127.0.0.1:" + server.getAddress().getPort()
        + "/ (journal " + journal.toAbsolutePath() + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }

  private UsageSubmitter submitter(LocalMeteringEndpoint endpoint) {
    if (endpoint != null) {
      return AwsUsageSubmitter.builder()
          .endpointOverride(endpoint.uri())
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
          .build();
    }
    // Production: the default credential chain (instance role, ECS task role, IRSA, AgentCore
    // execution role) and region chain.
    return region == null ? AwsUsageSubmitter.create()
        : AwsUsageSubmitter.builder().region(Region.of(region)).build();
  }

  private static void work(HttpExchange exchange, Map<String, Dimension> planHandles) throws IOException {
    String tenant = query(exchange.getRequestURI(), "tenant");
    String plan = tenant == null ? null : PLAN_OF_TENANT.get(tenant);
    if (plan == null) {
      respond(exchange, 404, Map.of("error", "unknown tenant; try ?tenant=acme"));
      return;
    }
    // The hot path: one append to the local journal, no network, no exception for infrastructure trouble.
    planHandles.get(plan).record(1);
    respond(exchange, 200, Map.of("tenant", tenant, "plan", plan, "result", "done"));
  }

  private static void health(HttpExchange exchange, Meter meter) throws IOException {
    MeterStatus status = meter.status();
    MeteringHealth health = MeteringHealth.of(status);
    respond(exchange, health.httpStatus(), health.toMap(status));
  }

  /** A handler body that may fail; the failure becomes a 500 answer instead of a dropped connection. */
  @FunctionalInterface
  private interface Handler {
    void handle() throws IOException;
  }

  private static void guarded(HttpExchange exchange, Handler handler) throws IOException {
    try {
      handler.handle();
    } catch (RuntimeException e) {
      respond(exchange, 500, Map.of("error", String.valueOf(e)));
    }
  }

  private static String query(URI uri, String name) {
    String query = uri.getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void respond(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
    byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
