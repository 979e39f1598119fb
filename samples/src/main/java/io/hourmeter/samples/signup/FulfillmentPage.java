package io.hourmeter.samples.signup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hourmeter.Meter;
import io.hourmeter.aws.CustomerResolutionException;
import io.hourmeter.aws.CustomerResolver;
import io.hourmeter.aws.ResolvedBuyer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sample SaaS fulfillment page on the JDK's HTTP server, bound to 127.0.0.1 (put your TLS-terminating
 * proxy in front of it). AWS Marketplace sends a buyer who subscribed here with a form POST carrying
 * {@code x-amzn-marketplace-token}; the page
 * <ol>
 *   <li>{@code POST /marketplace/fulfillment} (the fulfillment URL on the listing): resolves the token
 *       at once with {@link CustomerResolver} (tokens expire) and answers {@code 303} to the sign-up
 *       form, or, for a buyer who already has an account, to its confirmation; a token that cannot be
 *       resolved gets a page that says whose problem it is and what to do (400 for the buyer's, 403 for
 *       another product's, 503 for the seller's);</li>
 *   <li>{@code GET /signup?id=...}: the form (company, contact e-mail) for that pending sign-up; the
 *       id, unguessable, is all the form carries back, never the token;</li>
 *   <li>{@code POST /signup}: checks the fields (the form again, with the problem, if they will not
 *       do), creates the account, records the buyer's first usage on the SAAS meter (one unit of
 *       {@code firstUsageDimension}), and answers {@code 303} to</li>
 *   <li>{@code GET /welcome?account=...}: the confirmation.</li>
 * </ol>
 * Every value echoed into a page is HTML-escaped ({@link SignupPages}); pages are sent with a
 * restrictive Content-Security-Policy and {@code no-store}.
 *
 * <p>Thread-safe: requests are handled concurrently on a small pool.
 */
public final class FulfillmentPage implements AutoCloseable {

  /** The fulfillment URL's path. */
  public static final String FULFILLMENT_PATH = "/marketplace/fulfillment";

  private static final Logger LOG = LoggerFactory.getLogger(FulfillmentPage.class);

  private final CustomerResolver resolver;
  private final Meter meter;
  private final String firstUsageDimension;
  private final SignupAccounts accounts = new SignupAccounts();
  private HttpServer server;
  private ExecutorService executor;

  /**
   * A page that resolves tokens with {@code resolver} and records each new buyer's first usage on
   * {@code meter} (a {@code MeteringMode.SAAS} meter of the resolver's product).
   */
  public FulfillmentPage(CustomerResolver resolver, Meter meter, String firstUsageDimension) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.meter = Objects.requireNonNull(meter, "meter");
    this.firstUsageDimension = Objects.requireNonNull(firstUsageDimension, "firstUsageDimension");
  }

  /** Binds 127.0.0.1:{@code port} (0: a free one) and serves. Returns this. */
  public synchronized FulfillmentPage start(int port) {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 32);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind 127.0.0.1:" + port, e);
    }
    AtomicInteger threads = new AtomicInteger();
    executor = Executors.newFixedThreadPool(4, task -> {
      Thread thread = new Thread(task, "fulfillment-page-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("Fulfillment page on {}{}", uri(), FULFILLMENT_PATH);
    return this;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public synchronized URI uri() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The fulfillment URL to set on the listing (behind your proxy). */
  public URI fulfillmentUrl() {
    return uri().resolve(FULFILLMENT_PATH);
  }

  /** The accounts signed up so far. */
  public SignupAccounts accounts() {
    return accounts;
  }

  /** Stops serving; the resolver and meter belong to the caller. Idempotent. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals(FULFILLMENT_PATH)) {
        if (method.equals("POST")) {
          fulfill(exchange);
        } else {
          send(exchange, 405, SignupPages.plain("Come from AWS Marketplace", "This address takes the sign-up "
              + "link AWS Marketplace sends after you subscribe. Open the product in AWS Marketplace and choose "
              + "\"Set up your account\"."));
        }
      } else if (path.equals("/signup") && method.equals("GET")) {
        showForm(exchange);
      } else if (path.equals("/signup") && method.equals("POST")) {
        signUp(exchange);
      } else if (path.equals("/welcome") && method.equals("GET")) {
        welcome(exchange);
      } else {
        send(exchange, 404, SignupPages.plain("Not found", "There is no page here."));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("The fulfillment page failed to answer {} {}", exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(), e);
    }
  }

  private void fulfill(HttpExchange exchange) throws IOException {
    Optional<Map<String, String>> form = readForm(exchange);
    if (form.isEmpty()) {
      return;
    }
    String token = form.get().get(CustomerResolver.TOKEN_FORM_FIELD);
    ResolvedBuyer resolved;
    try {
      resolved = resolver.resolve(token);
    } catch (CustomerResolutionException e) {
      LOG.info("Sign-up refused: {}", e.getMessage());
      int status = e.buyersProblem() ? 400
          : e.reason() == CustomerResolutionException.Reason.OTHER_PRODUCT ? 403 : 503;
      send(exchange, status, SignupPages.problem(e, token));
      return;
    }
    Optional<SignupAccounts.Account> existing = accounts.ofBuyer(resolved.buyer());
    if (existing.isPresent()) {
      redirect(exchange, "/welcome?account=" + existing.get().id());
    } else {
      redirect(exchange, "/signup?id=" + accounts.start(resolved));
    }
  }

  private void showForm(HttpExchange exchange) throws IOException {
    String id = query(exchange, "id");
    Optional<ResolvedBuyer> resolved = accounts.pending(id);
    if (resolved.isEmpty()) {
      send(exchange, 404, SignupPages.unknownSignup());
      return;
    }
    send(exchange, 200, SignupPages.form(id, resolved.get(), "", "", null));
  }

  private void signUp(HttpExchange exchange) throws IOException {
    Optional<Map<String, String>> form = readForm(exchange);
    if (form.isEmpty()) {
      return;
    }
    String id = form.get().get("signup");
    String company = form.get().getOrDefault("company", "").strip();
    String email = form.get().getOrDefault("email", "").strip();
    Optional<ResolvedBuyer> resolved = accounts.pending(id);
    if (resolved.isEmpty()) {
      send(exchange, 404, SignupPages.unknownSignup());
      return;
    }
    String problem = SignupForm.problem(company, email);
    if (problem != null) {
      send(exchange, 400, SignupPages.form(id, resolved.get(), company, email, problem));
      return;
    }
    Optional<SignupAccounts.Account> account = accounts.complete(id, company, email);
    if (account.isEmpty()) {
      send(exchange, 404, SignupPages.unknownSignup());
      return;
    }
    // The buyer's first usage: the meter journals it at once and reports it with BatchMeterUsage once
    // its hour has closed. record() never throws for infrastructure trouble; false means refused.
    if (!meter.record(account.get().resolved().buyer(), firstUsageDimension, 1)) {
      LOG.warn("The first usage of {} was refused by the meter (see meter.status())", account.get().resolved().buyer());
    }
    redirect(exchange, "/welcome?account=" + account.get().id());
  }

  private void welcome(HttpExchange exchange) throws IOException {
    Optional<SignupAccounts.Account> account = accounts.byId(query(exchange, "account"));
    if (account.isEmpty()) {
      send(exchange, 404, SignupPages.plain("Not found", "There is no such account."));
      return;
    }
    send(exchange, 200, SignupPages.welcome(account.get()));
  }

  /** The form body's fields, or empty after answering 413 or 400 for a body too large or malformed. */
  private static Optional<Map<String, String>> readForm(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(SignupForm.MAX_BODY_BYTES + 1);
    }
    if (body.length > SignupForm.MAX_BODY_BYTES) {
      send(exchange, 413, SignupPages.plain("Too large", "The form sent was too large."));
      return Optional.empty();
    }
    try {
      return Optional.of(SignupForm.parse(new String(body, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      send(exchange, 400, SignupPages.plain("Bad form", "The form sent could not be read."));
      return Optional.empty();
    }
  }

  private static String query(HttpExchange exchange, String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return null;
    }
    try {
      return SignupForm.parse(raw).get(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(303, -1);
  }

  private static void send(HttpExchange exchange, int status, String html) throws IOException {
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
