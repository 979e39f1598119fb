package io.hourmeter.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@link LocalMeteringEndpoint}: reads an AWS JSON 1.1 request, applies the faults,
 * checks the caller from the SigV4 header, hands MeterUsage and BatchMeterUsage to
 * {@link MeteringRecords} and RegisterUsage to {@link ContainerRegistrations}, and writes the answer or the AWS error ({@code __type}, {@code message}, {@code x-amzn-ErrorType}).
 *
 * <p>Thread-safe: the server calls {@link #handle} from many threads; counters are atomic and the kept
 * bodies are guarded by their deque.
 */
final class MeteringHttpHandler implements HttpHandler {

  /**
   * Which callers the endpoint treats specially.
   *
   * @param region               the endpoint's region; requests signed for another are refused
   * @param rejected             access keys answered UnrecognizedClientException
   * @param denied               access keys without aws-marketplace:MeterUsage
   * @param expiredSessionTokens session tokens answered ExpiredTokenException
   */
  record Callers(String region, Set<String> rejected, Set<String> denied, Set<String> expiredSessionTokens) {
    Callers {
      rejected = Set.copyOf(rejected);
      denied = Set.copyOf(denied);
      expiredSessionTokens = Set.copyOf(expiredSessionTokens);
    }
  }

  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final int MAX_KEPT_BODIES = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(MeteringHttpHandler.class);

  private final MeteringRecords records;
  private final ContainerRegistrations registrations;
  private final Faults faults;
  private final Callers callers;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final Deque<String> bodies = new ArrayDeque<>();

  MeteringHttpHandler(MeteringRecords records, ContainerRegistrations registrations, Faults faults,
      Callers callers) {
    this.records = records;
    this.registrations = registrations;
    this.faults = faults;
    this.callers = callers;
  }

  Counters counters() {
    return new Counters(requests.get(), accepted.get(), throttled.get(), failed.get(), dropped.get(),
        rejected.get());
  }

  List<String> requestBodies() {
    synchronized (bodies) {
      return List.copyOf(bodies);
    }
  }

  @Override
  public void handle(HttpExchange exchange) {
    requests.incrementAndGet();
    try (exchange) {
      String body = readBody(exchange.getRequestBody());
      keep(body);
      Duration latency = faults.latency();
      if (!latency.isZero()) {
        Thread.sleep(latency.toMillis());
      }
      Faults.Answer scripted = faults.takeAnswer();
      if (scripted != null) {
        if (scripted.afterRecording()) {
          try {
            answer(exchange, body);
          } catch (MeteringError ignored) {
            // the scripted answer replaces the service's, whatever it was
          }
        }
        failed.incrementAndGet();
        respondRaw(exchange, scripted);
        return;
      }
      if (faults.take(Faults.Kind.DROP_BEFORE)) {
        dropped.incrementAndGet();
        return;
      }
      if (faults.take(Faults.Kind.THROTTLE)) {
        throttled.incrementAndGet();
        respondError(exchange, MeteringError.badRequest("ThrottlingException", "Rate exceeded"));
        return;
      }
      if (faults.take(Faults.Kind.SERVER_ERROR)) {
        failed.incrementAndGet();
        respondError(exchange, new MeteringError("InternalServiceErrorException", 500,
            "An internal error has occurred."));
        return;
      }
      ModelledError rejection = faults.takeRejection();
      if (rejection != null) {
        rejected.incrementAndGet();
        respondError(exchange, rejection.answer());
        return;
      }
      String answer;
      MeteringError error = null;
      try {
        answer = answer(exchange, body);
      } catch (MeteringError e) {
        answer = null;
        error = e;
      }
      if (faults.take(Faults.Kind.DROP_AFTER)) {
        dropped.incrementAndGet();
        return;
      }
      if (error != null) {
        rejected.incrementAndGet();
        respondError(exchange, error);
      } else {
        accepted.incrementAndGet();
        respond(exchange, 200, answer, Map.of());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Local Metering endpoint failed to handle a request", e);
    }
  }

  /** Checks caller and request, and returns the success body; throws the AWS error otherwise. */
  private String answer(HttpExchange exchange, String body) throws MeteringError {
    if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getPath())) {
      throw new MeteringError("UnknownOperationException", 404, "Only POST / is served.");
    }
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    boolean batch = LocalMeteringEndpoint.BATCH_METER_USAGE_TARGET.equals(target);
    boolean resolve = LocalMeteringEndpoint.RESOLVE_CUSTOMER_TARGET.equals(target);
    boolean register = LocalMeteringEndpoint.REGISTER_USAGE_TARGET.equals(target);
    if (!batch && !resolve && !register && !LocalMeteringEndpoint.METER_USAGE_TARGET.equals(target)) {
      throw MeteringError.badRequest("UnknownOperationException", "Operation " + target + " is not served.");
    }
    SigningIdentity caller = SigningIdentity.of(exchange.getRequestHeaders().getFirst("Authorization"),
        exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
    // RegisterUsage's model names the wrong-region error InvalidRegionException; the others'
    // InvalidEndpointRegionException.
    checkCaller(caller, register ? "InvalidRegionException" : "InvalidEndpointRegionException");
    boolean denied = callers.denied().contains(caller.accessKeyId());
    if (register) {
      RegisterUsageCall call = RegisterUsageCall.parse(body);
      if (denied) {
        throw accessDenied(caller, "aws-marketplace:RegisterUsage");
      }
      return registrations.register(call, faults.takeTampering());
    }
    if (resolve) {
      String token = WireMembers.string(WireMembers.object(body), "RegistrationToken", "registrationToken", true);
      if (denied) {
        throw accessDenied(caller, "aws-marketplace:ResolveCustomer");
      }
      return records.resolveCustomer(token);
    }
    if (batch) {
      BatchMeterUsageCall call = BatchMeterUsageCall.parse(body);
      if (denied) {
        throw accessDenied(caller, "aws-marketplace:BatchMeterUsage");
      }
      return records.batchMeter(call, () -> faults.take(Faults.Kind.UNPROCESSED_RECORD)).toJson();
    }
    MeterUsageCall call = MeterUsageCall.parse(body);
    if (call.dryRun()) {
      if (denied) {
        throw new MeteringError("UnauthorizedException", 403, "User: " + caller.accessKeyId()
            + " is not authorized to perform: aws-marketplace:MeterUsage");
      }
      throw MeteringError.badRequest("DryRunOperation",
          "Request would have succeeded, but the DryRun flag is set.");
    }
    if (denied) {
      throw accessDenied(caller, "aws-marketplace:MeterUsage");
    }
    return "{\"MeteringRecordId\":" + Json.quote(records.meter(call)) + "}";
  }

  private static MeteringError accessDenied(SigningIdentity caller, String action) {
    return MeteringError.badRequest("AccessDeniedException", "User: " + caller.accessKeyId()
        + " is not authorized to perform: " + action);
  }

  private void checkCaller(SigningIdentity caller, String regionError) throws MeteringError {
    if (caller == null) {
      throw new MeteringError("MissingAuthenticationTokenException", 403, "Missing Authentication Token");
    }
    if (callers.rejected().contains(caller.accessKeyId())) {
      throw MeteringError.badRequest("UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
    if (caller.sessionToken() != null && callers.expiredSessionTokens().contains(caller.sessionToken())) {
      throw MeteringError.badRequest("ExpiredTokenException",
          "The security token included in the request is expired");
    }
    if (!callers.region().equals(caller.region())) {
      throw MeteringError.badRequest(regionError, "The request was signed for region "
          + caller.region() + " but this endpoint serves " + callers.region() + ".");
    }
  }

  private void keep(String body) {
    synchronized (bodies) {
      if (bodies.size() == MAX_KEPT_BODIES) {
        bodies.removeFirst();
      }
      bodies.addLast(body);
    }
  }

  private void respondError(HttpExchange exchange, MeteringError error) throws IOException {
    LOG.debug("Answered {}: {}", error.type(), error.getMessage());
    respond(exchange, error.status(),
        "{\"__type\":" + Json.quote(error.type()) + ",\"message\":" + Json.quote(error.getMessage()) + "}",
        Map.of("x-amzn-ErrorType", error.type()));
  }

  private static void respond(HttpExchange exchange, int status, String json, Map<String, String> headers)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    headers.forEach(exchange.getResponseHeaders()::set);
    write(exchange, status, json);
  }

  private static void respondRaw(HttpExchange exchange, Faults.Answer answer) throws IOException {
    LOG.debug("MeterUsage answered a scripted HTTP {}", answer.status());
    if (answer.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    }
    write(exchange, answer.status(), answer.body());
  }

  private static void write(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // 0 announces a chunked body of unknown length; -1 is how HttpExchange says "no body".
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static String readBody(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
