package io.hourmeter.samples.signup;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourmeter.Buyer;
import io.hourmeter.local.AcceptedRecord;
import io.hourmeter.local.SaasCustomer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fulfillment page in a real headless browser: Debian's {@code chromium}, driven through
 * {@code chromium-driver} by Selenium, on loopback only. The buyer's browser posts the token as AWS
 * Marketplace makes it do (a form POST to the fulfillment URL), fills in the sign-up form, sees the
 * confirmation, and the buyer's first usage is then seen accepted at the local endpoint. An invalid
 * token carrying markup, and an expired one, show the page that tells the buyer what to do, with the
 * markup shown as text and never run.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} this test fails, naming the
 * command that installs them ({@code .ci/run} runs it on a fresh machine); it never skips.
 */
class FulfillmentPageBrowserTest {

  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final String INSTALL = "apt-get update && apt-get install -y chromium chromium-driver";
  private static final String MARKUP = "<script>alert('x')</script><b onmouseover=alert(2)>bold</b>";

  private static ChromeDriverService service;
  private static WebDriver browser;

  @TempDir
  Path directory;

  private SignupFixture fixture;

  @BeforeAll
  static void startBrowser() {
    for (String executable : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(Path.of(executable))) {
        throw new AssertionError(executable + " is missing: the browser test needs Debian's chromium and "
            + "chromium-driver. Install them with: " + INSTALL);
      }
    }
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM)
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--no-first-run", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--proxy-server=direct://", "--proxy-bypass-list=*", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  @BeforeEach
  void start() {
    fixture = new SignupFixture(directory);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aBuyerPostsItsTokenSignsUpSeesTheConfirmationAndItsFirstUsageIsReconciled() throws Exception {
    postTokenFromTheBrowser(SignupFixture.TOKEN);
    await(By.id("company"));
    assertThat(browser.findElement(By.id("aws-account")).getText()).isEqualTo(SignupFixture.ACCOUNT);

    browser.findElement(By.id("company")).sendKeys("Acme " + MARKUP);
    browser.findElement(By.id("email")).sendKeys("ops+<i>x</i>@example.com");
    browser.findElement(By.id("sign-up")).click();
    await(By.id("welcome"));

    assertThat(browser.findElement(By.id("welcome")).getText()).isEqualTo("Your account is ready");
    assertThat(browser.findElement(By.id("company")).getText()).isEqualTo("Acme " + MARKUP);
    assertThat(browser.findElement(By.id("email")).getText()).isEqualTo("ops+<i>x</i>@example.com");
    assertThat(browser.findElement(By.id("license")).getText()).isEqualTo(SignupFixture.LICENSE);
    assertNothingRan();
    assertThat(fixture.page.accounts().ofBuyer(Buyer.of(SignupFixture.ACCOUNT, SignupFixture.LICENSE))).isPresent();

    List<AcceptedRecord> accepted = fixture.reconcileFirstHour();
    assertThat(accepted).singleElement().satisfies(record -> {
      assertThat(record.customer()).isEqualTo(SaasCustomer.license(SignupFixture.ACCOUNT, SignupFixture.LICENSE));
      assertThat(record.dimension()).isEqualTo(SignupFixture.DIMENSION);
      assertThat(record.quantity()).isEqualTo(1);
    });
  }

  @Test
  void anInvalidTokenCarryingMarkupShowsWhatToDoWithTheMarkupAsText() {
    postTokenFromTheBrowser(MARKUP);
    await(By.id("problem"));

    assertThat(browser.findElement(By.id("problem")).getText()).isEqualTo("Your sign-up link cannot be used");
    assertThat(browser.findElement(By.id("what-to-do")).getText()).contains("Set up your account");
    assertThat(browser.findElement(By.id("token-reference")).getText())
        .isEqualTo(MARKUP.substring(0, SignupPages.TOKEN_REFERENCE_CHARS) + "...");
    assertNothingRan();
  }

  @Test
  void anExpiredTokenShowsThatTheBuyerNeedsANewLinkFromAwsMarketplace() {
    postTokenFromTheBrowser(SignupFixture.EXPIRED_TOKEN);
    await(By.id("problem"));

    assertThat(browser.findElement(By.id("what-to-do")).getText()).contains("has expired", "Set up your account");
  }

  /**
   * What AWS Marketplace has the buyer's browser do: a form POST of {@code x-amzn-marketplace-token} to
   * the fulfillment URL, here from a local page that stands in for AWS Marketplace's.
   */
  private void postTokenFromTheBrowser(String token) {
    String marketplace = "<!DOCTYPE html><html><body><form id=\"aws\" method=\"post\" action=\""
        + fixture.page.fulfillmentUrl() + "\"><input id=\"token\" name=\"x-amzn-marketplace-token\">"
        + "<button id=\"go\" type=\"submit\">Set up your account</button></form></body></html>";
    Path file = directory.resolve("marketplace.html");
    try {
      Files.writeString(file, marketplace, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    browser.get(file.toUri().toString());
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("go")).click();
  }

  private static void await(By element) {
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(element));
  }

  /** No script or markup echoed back was run or rendered: no alert, no script or injected element. */
  private static void assertNothingRan() {
    try {
      String text = browser.switchTo().alert().getText();
      throw new AssertionError("a script echoed into the page ran: alert " + text);
    } catch (NoAlertPresentException expected) {
      // as it should be
    }
    assertThat(browser.findElements(By.tagName("script"))).isEmpty();
    assertThat(browser.findElements(By.tagName("b"))).isEmpty();
    assertThat(browser.findElements(By.tagName("i"))).isEmpty();
  }
}
