package io.hourmeter.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hourmeter.Buyer;
import io.hourmeter.aws.CustomerResolutionException.Reason;
import io.hourmeter.local.LocalMeteringEndpoint;
import io.hourmeter.local.ModelledError;
import io.hourmeter.local.SaasCustomer;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * {@link CustomerResolver} through the real SDK client over HTTP against the local endpoint on loopback:
 * each form of buyer a reply can name, each error ResolveCustomer can answer, retries and their bound,
 * and the product check.
 */
class CustomerResolverTest {

  private static final String PRODUCT = "prod-saas-signup";
  private static final String OTHER_PRODUCT = "prod-someone-else";
  private static final String ACCOUNT = "111122223333";
  private static final String LICENSE = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0";
  private static final AwsCredentialsProvider SELLER = LocalAws.credentials(LocalAws.ACCESS_KEY);

  private LocalMeteringEndpoint endpoint;
  @BeforeEach
  void start() {
    endpoint = LocalMeteringEndpoint.builder()
        .product(PRODUCT, "api_calls")
        .product(OTHER_PRODUCT, "api_calls")
        .registration("tok-licensed", PRODUCT, SaasCustomer.license(ACCOUNT, LICENSE))
        .registration("tok-account", PRODUCT, SaasCustomer.account("444455556666"))
        .registration("tok-existing", PRODUCT, new SaasCustomer("cust-legacy-1", "777788889999", null))
        .registration("tok-legacy", PRODUCT, SaasCustomer.identifier("cust-legacy-2"))
        .registration("tok-other-product", OTHER_PRODUCT, SaasCustomer.account("121212121212"))
        .expiredRegistrationToken("tok-expired")
        .deniedAccessKey("AKIDDENIED")
        .expiredSessionToken("expired-session")
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private CustomerResolver resolverWith(AwsCredentialsProvider credentials,
      UnaryOperator<CustomerResolverBuilder> change) {
    return change.apply(CustomerResolver.builder()
        .productCode(PRODUCT)
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .endpointOverride(endpoint.uri())
        .readTimeout(Duration.ofSeconds(5))).build();
  }

  private ResolvedBuyer resolve(String token) {
    try (CustomerResolver seller = resolverWith(SELLER, b -> b)) {
      return seller.resolve(token);
    }
  }

  private CustomerResolutionException failure(UnaryOperator<CustomerResolverBuilder> change, String token) {
    return failure(SELLER, change, token);
  }

  private CustomerResolutionException failure(AwsCredentialsProvider credentials,
      UnaryOperator<CustomerResolverBuilder> change, String token) {
    try (CustomerResolver resolver = resolverWith(credentials, change)) {
      return catchThrowableOfType(() -> resolver.resolve(token), CustomerResolutionException.class);
    }
  }

  @Test
  void aLicensedTokenResolvesToTheAccountAndLicenseBuyerThatSaasMeteringRecordsAgainst() {
    ResolvedBuyer resolved = resolve("tok-licensed");

    assertThat(resolved.buyer()).isEqualTo(Buyer.of(ACCOUNT, LICENSE));
    assertThat(resolved.buyer().key()).isEqualTo("acct:" + ACCOUNT + ":" + LICENSE);
    assertThat(resolved).isEqualTo(new ResolvedBuyer(Buyer.of(ACCOUNT, LICENSE), PRODUCT, ACCOUNT, LICENSE, null));
  }

  @Test
  void anAccountWithoutLicenseIsTheAccountBuyerAndTheLegacyIdentifierIsKeptBesideIt() {
    assertThat(resolve("tok-account").buyer()).isEqualTo(Buyer.ofAccount("444455556666"));

    ResolvedBuyer existing = resolve("tok-existing");
    assertThat(existing.buyer()).isEqualTo(Buyer.ofAccount("777788889999"));
    assertThat(existing.customerIdentifier()).isEqualTo("cust-legacy-1");
    assertThat(existing.customerAWSAccountId()).isEqualTo("777788889999");
    assertThat(existing.licenseArn()).isNull();
  }

  @Test
  void aReplyWithOnlyTheLegacyIdentifierIsTheCustomerIdentifierBuyer() {
    assertThat(resolve("tok-legacy").buyer()).isEqualTo(Buyer.ofCustomerIdentifier("cust-legacy-2"));
  }

  @Test
  void aTokenForAnotherProductIsRefused() {
    CustomerResolutionException refused = failure(b -> b, "tok-other-product");

    assertThat(refused.reason()).isEqualTo(Reason.OTHER_PRODUCT);
    assertThat(refused.buyersProblem()).isFalse();
    assertThat(refused.getMessage()).contains(OTHER_PRODUCT, PRODUCT);
  }

  @Test
  void anInvalidTokenIsTheBuyersProblemSaysWhatToDoAndIsNotRetried() {
    CustomerResolutionException invalid = failure(b -> b, "tok-nobody-issued");

    assertThat(invalid.reason()).isEqualTo(Reason.INVALID_TOKEN);
    assertThat(invalid.errorCode()).isEqualTo("InvalidTokenException");
    assertThat(invalid.buyersProblem()).isTrue();
    assertThat(invalid.whatToTellTheBuyer()).contains("AWS Marketplace", "Set up your account");
    assertThat(endpoint.counters().requests()).isEqualTo(1);
  }

  @Test
  void anExpiredRegistrationTokenIsTheBuyersProblemAndSaysToGetANewLink() {
    CustomerResolutionException expired = failure(b -> b, "tok-expired");

    assertThat(expired.reason()).isEqualTo(Reason.EXPIRED_TOKEN);
    assertThat(expired.errorCode()).isEqualTo("ExpiredTokenException");
    assertThat(expired.buyersProblem()).isTrue();
    assertThat(expired.whatToTellTheBuyer()).contains("expired", "Set up your account");
    assertThat(endpoint.counters().requests()).isEqualTo(1);
  }

  @Test
  void expiredSessionCredentialsAreTheSellersConfigurationNotAnExpiredRegistrationToken() {
    CustomerResolutionException expired = failure(StaticCredentialsProvider.create(
        AwsSessionCredentials.create("ASIATEST", "secret", "expired-session")), b -> b, "tok-licensed");

    assertThat(expired.reason()).isEqualTo(Reason.CONFIGURATION);
    assertThat(expired.errorCode()).isEqualTo("ExpiredTokenException");
    assertThat(expired.buyersProblem()).isFalse();
  }

  @Test
  void noTokenIsAnInvalidTokenWithoutCallingAws() {
    assertThat(failure(b -> b, "").reason()).isEqualTo(Reason.INVALID_TOKEN);
    assertThat(failure(b -> b, null).reason()).isEqualTo(Reason.INVALID_TOKEN);
    assertThat(endpoint.counters().requests()).isZero();
  }

  @Test
  void throttlingAndServerErrorsAreRetriedUntilResolved() {
    endpoint.faults().throttleNext(1).serverErrorNext(1);

    ResolvedBuyer resolved;
    try (CustomerResolver seller = resolverWith(SELLER, b -> b.retries(3, Duration.ofMillis(1),
        Duration.ofMillis(5)))) {
      resolved = seller.resolve("tok-licensed");
    }

    assertThat(resolved.buyer()).isEqualTo(Buyer.of(ACCOUNT, LICENSE));
    assertThat(endpoint.counters().requests()).isEqualTo(3);
  }

  @Test
  void retriesAreBoundedAndThenTheServiceIsUnavailable() {
    endpoint.faults().throttleNext(10);

    CustomerResolutionException unavailable = failure(b -> b.retries(3, Duration.ofMillis(1),
        Duration.ofMillis(5)), "tok-licensed");

    assertThat(unavailable.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(unavailable.errorCode()).isEqualTo("ThrottlingException");
    assertThat(endpoint.counters().requests()).isEqualTo(3);
  }

  @Test
  void aDisabledApiIsAConfigurationErrorAndIsNotRetried() {
    endpoint.faults().rejectNext(ModelledError.DISABLED_API, 1);

    CustomerResolutionException disabled = failure(b -> b, "tok-licensed");

    assertThat(disabled.reason()).isEqualTo(Reason.CONFIGURATION);
    assertThat(disabled.errorCode()).isEqualTo("DisabledApiException");
    assertThat(endpoint.counters().requests()).isEqualTo(1);
  }

  @Test
  void aRoleWithoutThePermissionIsAConfigurationErrorNamingIt() {
    CustomerResolutionException denied = failure(LocalAws.credentials("AKIDDENIED"), b -> b, "tok-licensed");

    assertThat(denied.reason()).isEqualTo(Reason.CONFIGURATION);
    assertThat(denied.getMessage()).contains("aws-marketplace:ResolveCustomer");
  }

  @Test
  void theBuilderNeedsTheProductCodeAndAClientThatReadsTheLicenseArn() {
    assertThatThrownBy(() -> CustomerResolver.builder().region(Region.US_EAST_1).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("productCode");
    assertThatThrownBy(() -> CustomerResolver.builder().productCode("bad code!"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("productCode");
    try (MarketplaceMeteringClient plain = MarketplaceMeteringClient.builder().region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)).endpointOverride(endpoint.uri()).build()) {
      assertThatThrownBy(() -> CustomerResolver.builder().productCode(PRODUCT).client(plain).build())
          .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("client:")
          .hasMessageContaining("LicenseArn");
      assertThatThrownBy(() -> CustomerResolver.builder().productCode(PRODUCT).client(plain)
          .region(Region.US_EAST_1).build())
          .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("region applies only");
    }
    assertThatThrownBy(() -> CustomerResolver.builder().productCode(PRODUCT).productCode(PRODUCT))
        .isInstanceOf(IllegalStateException.class).hasMessage("productCode was already set");
  }

  /** The retries' backoff is the adapter's one {@code Backoff}, but its errors name the option set. */
  @Test
  void badRetriesFailNamingTheRetriesOption() {
    assertThatThrownBy(() -> CustomerResolver.builder().retries(0, Duration.ofMillis(1), Duration.ofMillis(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("retries maxAttempts must be >= 1 but was 0");
    assertThatThrownBy(() -> CustomerResolver.builder().retries(3, Duration.ZERO, Duration.ofMillis(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("retries initial must be positive but was PT0S");
    assertThatThrownBy(() -> CustomerResolver.builder().retries(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("retries max PT1S is below retries initial PT2S");
  }

  @Test
  void aGivenClientWithHourmetersOverridesResolvesTheLicenseToo() {
    try (MarketplaceMeteringClient own = MarketplaceMeteringClient.builder().region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(LocalAws.ACCESS_KEY)).endpointOverride(endpoint.uri())
        .overrideConfiguration(AwsUsageSubmitter.clientOverrides().build()).build();
        CustomerResolver given = CustomerResolver.builder().productCode(PRODUCT).client(own).build()) {
      assertThat(given.resolve("tok-licensed").licenseArn()).isEqualTo(LICENSE);
    }
  }
}
