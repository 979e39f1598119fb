package io.hourmeter.samples.signup;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.SaasCustomer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fulfillment page over plain HTTP, as AWS Marketplace and a browser call it (form-encoded POSTs,
 * 303 redirects): each answer, escaping of everything echoed, and the buyer's first usage reconciled at
 * the endpoint. {@link FulfillmentPageBrowserTest} walks the same flow in a real browser.
 */
class FulfillmentPageTest {

  private static final String MARKUP = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";

  @TempDir
  Path directory;

  private SignupFixture fixture;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void start() {
    fixture = new SignupFixture(directory);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aRegisteredTokenLeadsThroughTheFormToTheConfirmationAndTheFirstUsageIsReconciled() throws Exception {
    HttpResponse<String> posted = post(fixture.page.fulfillmentUrl(), Map.of("x-amzn-marketplace-token", SignupFixture.TOKEN));
    assertThat(posted.statusCode()).isEqualTo(303);
    URI form = fixture.page.uri().resolve(posted.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> shown = get(form);
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body()).contains("id=\"company\"", SignupFixture.ACCOUNT).doesNotContain(SignupFixture.TOKEN);

    HttpResponse<String> created = post(fixture.page.uri().resolve("/signup"), Map.of("signup", signupId(shown.body()),
        "company", "Acme " + MARKUP, "email", "ops+" + MARKUP.replace(" ", "") + "@example.com"));
    assertThat(created.statusCode()).isEqualTo(303);
    HttpResponse<String> welcome = get(fixture.page.uri().resolve(created.headers().firstValue("Location").orElseThrow()));

    assertThat(welcome.statusCode()).isEqualTo(200);
    assertThat(welcome.body()).contains("Your account is ready", SignupFixture.LICENSE)
        .contains("Acme &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;")
        .doesNotContain("<script", "<img");
    Buyer buyer = Buyer.of(SignupFixture.ACCOUNT, SignupFixture.LICENSE);
    assertThat(fixture.page.accounts().ofBuyer(buyer)).hasValueSatisfying(a -> assertThat(a.company())
        .isEqualTo("Acme " + MARKUP));

    List<AcceptedRecord> accepted = fixture.reconcileFirstHour();
    assertThat(accepted).singleElement().satisfies(record -> {
      assertThat(record.customer()).isEqualTo(SaasCustomer.license(SignupFixture.ACCOUNT, SignupFixture.LICENSE));
      assertThat(record.dimension()).isEqualTo(SignupFixture.DIMENSION);
      assertThat(record.quantity()).isEqualTo(1);
      assertThat(record.timestamp()).isEqualTo(SignupFixture.firstHour());
    });
  }

  @Test
  void aTokenCarryingMarkupIsInvalidAndEchoedOnlyEscaped() throws Exception {
    HttpResponse<String> refused = post(fixture.page.fulfillmentUrl(), Map.of("x-amzn-marketplace-token", MARKUP));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("id=\"what-to-do\"", "Set up your account", "INVALID_TOKEN")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img")
        .doesNotContain("<script", "<img");
    assertThat(refused.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("default-src 'none'"));
  }

  @Test
  void anExpiredTokenTellsTheBuyerToGetANewLinkFromAwsMarketplace() throws Exception {
    HttpResponse<String> expired = post(fixture.page.fulfillmentUrl(),
        Map.of("x-amzn-marketplace-token", SignupFixture.EXPIRED_TOKEN));

    assertThat(expired.statusCode()).isEqualTo(400);
    assertThat(expired.body()).contains("has expired", "Set up your account", "EXPIRED_TOKEN");
  }

  @Test
  void aTokenOfAnotherProductIsRefusedAsTheSellersMistake() throws Exception {
    HttpResponse<String> refused = post(fixture.page.fulfillmentUrl(),
        Map.of("x-amzn-marketplace-token", SignupFixture.OTHER_PRODUCT_TOKEN));

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("another product", "the mistake is ours");
    assertThat(fixture.page.accounts().ofBuyer(Buyer.ofAccount("444455556666"))).isEmpty();
  }

  @Test
  void aFormThatWillNotDoIsShownAgainWithTheValuesEscapedInTheirAttributes() throws Exception {
    HttpResponse<String> posted = post(fixture.page.fulfillmentUrl(), Map.of("x-amzn-marketplace-token", SignupFixture.TOKEN));
    String id = signupId(get(fixture.page.uri().resolve(posted.headers().firstValue("Location").orElseThrow())).body());

    HttpResponse<String> again = post(fixture.page.uri().resolve("/signup"),
        Map.of("signup", id, "company", MARKUP, "email", "not-an-address " + MARKUP));

    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("id=\"form-problem\"", "name@example.com")
        .contains("value=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img")
        .doesNotContain("<script", "<img");
    assertThat(fixture.page.accounts().ofBuyer(Buyer.of(SignupFixture.ACCOUNT, SignupFixture.LICENSE))).isEmpty();
  }

  @Test
  void aBuyerWhoComesBackKeepsItsAccountAndAUsedSignupCannotBeReplayed() throws Exception {
    HttpResponse<String> posted = post(fixture.page.fulfillmentUrl(), Map.of("x-amzn-marketplace-token", SignupFixture.TOKEN));
    String id = signupId(get(fixture.page.uri().resolve(posted.headers().firstValue("Location").orElseThrow())).body());
    String welcome = post(fixture.page.uri().resolve("/signup"), Map.of("signup", id, "company", "Acme",
        "email", "ops@example.com")).headers().firstValue("Location").orElseThrow();

    HttpResponse<String> back = post(fixture.page.fulfillmentUrl(), Map.of("x-amzn-marketplace-token", SignupFixture.TOKEN));
    HttpResponse<String> replay = post(fixture.page.uri().resolve("/signup"), Map.of("signup", id, "company", "Evil",
        "email", "evil@example.com"));

    assertThat(back.statusCode()).isEqualTo(303);
    assertThat(back.headers().firstValue("Location")).hasValue(welcome);
    assertThat(replay.statusCode()).isEqualTo(404);
    assertThat(fixture.page.accounts().ofBuyer(Buyer.of(SignupFixture.ACCOUNT, SignupFixture.LICENSE)))
        .hasValueSatisfying(account -> assertThat(account.company()).isEqualTo("Acme"));
  }

  private static String signupId(String form) {
    Matcher matcher = Pattern.compile("name=\"signup\" value=\"([0-9a-f]+)\"").matcher(form);
    assertThat(matcher.find()).as("the form carries its sign-up id: %s", form).isTrue();
    return matcher.group(1);
  }

  private HttpResponse<String> post(URI uri, Map<String, String> fields) throws Exception {
    String body = fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
