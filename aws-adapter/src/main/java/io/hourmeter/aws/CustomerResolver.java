package io.hourmeter.aws;

import io.github.resilience4j.core.IntervalFunction;
import io.hourmeter.aws.CustomerResolutionException.Reason;
import io.hourmeter.spi.OutcomeClass;
import io.hourmeter.spi.SubmitOutcome;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Turns the registration token that a buyer's browser posts to the seller's fulfillment URL (form field
 * {@code x-amzn-marketplace-token}) into the buyer, with ResolveCustomer called on the seller account's
 * credentials: {@link #resolve} returns a {@link ResolvedBuyer} whose {@link io.hourmeter.Buyer} is the
 * one a {@code MeteringMode.SAAS} meter records against (the same canonical key), with every field of
 * the reply. Redeem the token as soon as it arrives: AWS lets it expire.
 *
 * <p>Failures are classified by the submitter's one error table ({@code ErrorClassification}, rows for
 * ResolveCustomer included) and thrown as {@link CustomerResolutionException}, whose reason says whose
 * problem it is and what to tell the buyer:
 * <ul>
 *   <li>{@code InvalidTokenException}, {@code ExpiredTokenException} about the registration token, or
 *       no token at all: the buyer's ({@link Reason#INVALID_TOKEN}, {@link Reason#EXPIRED_TOKEN}); no
 *       retry;</li>
 *   <li>a reply for another product than {@link CustomerResolverBuilder#productCode}:
 *       {@link Reason#OTHER_PRODUCT}, refused;</li>
 *   <li>throttling, a 5xx, a timeout or a dropped connection: retried with bounded backoff
 *       ({@link CustomerResolverBuilder#retries}; ResolveCustomer records nothing, so a retry is always
 *       safe), then {@link Reason#UNAVAILABLE};</li>
 *   <li>{@code DisabledApiException}, denied or expired credentials, a wrong region, and anything else
 *       the table does not make the buyer's or retryable: {@link Reason#CONFIGURATION}.</li>
 * </ul>
 *
 * <pre>{@code
 * CustomerResolver resolver = CustomerResolver.builder().productCode("prod-abc123").build();
 * ResolvedBuyer resolved = resolver.resolve(form.get("x-amzn-marketplace-token"));
 * Customer customer = meter.customer(resolved.buyer());
 * }</pre>
 *
 * <p>Thread-safe: {@link #resolve} may be called from many request threads at once (the SDK client is
 * thread-safe, and a call's retries stay on its thread). It blocks its caller through the calls and
 * backoffs.
 */
public final class CustomerResolver implements AutoCloseable {

  /** The IAM action ResolveCustomer needs (the seller account's role). */
  public static final String RESOLVE_CUSTOMER_PERMISSION = "aws-marketplace:ResolveCustomer";
  /** The form field in which AWS Marketplace posts the registration token to the fulfillment URL. */
  public static final String TOKEN_FORM_FIELD = "x-amzn-marketplace-token";

  private static final Logger LOG = LoggerFactory.getLogger(CustomerResolver.class);

  private final MarketplaceMeteringClient client;
  private final List<SdkAutoCloseable> owned;
  private final String productCode;
  private final int attempts;
  private final IntervalFunction backoff;

  CustomerResolver(MeteringClientOptions.Built built, String productCode, int attempts, IntervalFunction backoff) {
    this.client = built.client();
    this.owned = built.owned();
    this.productCode = productCode;
    this.attempts = attempts;
    this.backoff = backoff;
  }

  public static CustomerResolverBuilder builder() {
    return new CustomerResolverBuilder();
  }

  /** The product code this resolver accepts tokens for. */
  public String productCode() {
    return productCode;
  }

  /**
   * Resolves {@code registrationToken} to the buyer.
   *
   * @param registrationToken the {@code x-amzn-marketplace-token} as posted; {@code null} or empty is
   *                          {@link Reason#INVALID_TOKEN} without a call (the buyer did not come from
   *                          AWS Marketplace)
   * @throws CustomerResolutionException for every failure, with its reason
   */
  public ResolvedBuyer resolve(String registrationToken) {
    if (registrationToken == null || registrationToken.isEmpty()) {
      throw new CustomerResolutionException(Reason.INVALID_TOKEN, "MissingToken",
          "no " + TOKEN_FORM_FIELD + " was posted", null);
    }
    for (int attempt = 1; ; attempt++) {
      LicenseArnShim.ResolvedCustomer answer;
      try {
        answer = LicenseArnShim.resolveCustomer(client, registrationToken);
      } catch (RuntimeException failure) {
        SubmitOutcome outcome = ErrorClassification.classify(failure, RESOLVE_CUSTOMER_PERMISSION);
        if (!outcome.outcome().retryable() || attempt >= attempts) {
          throw failed(outcome, attempt, failure);
        }
        LOG.debug("ResolveCustomer attempt {} failed ({}), retrying", attempt, outcome.errorCode());
        pause(attempt, outcome, failure);
        continue;
      }
      return accept(answer);
    }
  }

  private ResolvedBuyer accept(LicenseArnShim.ResolvedCustomer answer) {
    ResolveCustomerResponse reply = answer.response();
    if (!productCode.equals(reply.productCode())) {
      LOG.warn("ResolveCustomer answered a token for product {}, not {}: refused (is this fulfillment URL "
          + "set on another listing?)", reply.productCode(), productCode);
      throw new CustomerResolutionException(Reason.OTHER_PRODUCT, "OtherProduct", "the token is for product "
          + reply.productCode() + ", this resolver accepts " + productCode, null);
    }
    try {
      return new ResolvedBuyer(ResolvedBuyer.buyerOf(reply.customerAWSAccountId(), answer.licenseArn(),
          reply.customerIdentifier()), reply.productCode(), reply.customerAWSAccountId(), answer.licenseArn(),
          reply.customerIdentifier());
    } catch (IllegalArgumentException e) {
      LOG.error("ResolveCustomer's reply breaks the service model: {}", e.getMessage());
      throw new CustomerResolutionException(Reason.CONFIGURATION, "InvalidReply",
          "ResolveCustomer's reply breaks the service model: " + e.getMessage(), e);
    }
  }

  private static CustomerResolutionException failed(SubmitOutcome outcome, int attempt, Throwable failure) {
    String message = outcome.message();
    if (outcome.outcome() == OutcomeClass.INVALID_CUSTOMER) {
      Reason reason = "InvalidTokenException".equals(outcome.errorCode()) ? Reason.INVALID_TOKEN
          : Reason.EXPIRED_TOKEN;
      return new CustomerResolutionException(reason, outcome.errorCode(), message, failure);
    }
    if (outcome.outcome().retryable()) {
      LOG.warn("ResolveCustomer failed {} times, last with {}: {}", attempt, outcome.errorCode(), message);
      return new CustomerResolutionException(Reason.UNAVAILABLE, outcome.errorCode(),
          "gave up after " + attempt + " attempts: " + message, failure);
    }
    LOG.error("ResolveCustomer cannot be called as configured ({}): {}", outcome.errorCode(), message);
    return new CustomerResolutionException(Reason.CONFIGURATION, outcome.errorCode(), message, failure);
  }

  private void pause(int attempt, SubmitOutcome outcome, Throwable failure) {
    try {
      Thread.sleep(backoff.apply(attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CustomerResolutionException(Reason.UNAVAILABLE, outcome.errorCode(),
          "interrupted while waiting to retry: " + outcome.message(), failure);
    }
  }

  /** Closes the SDK client and credentials chain built here; a client given to the builder stays open. */
  @Override
  public void close() {
    for (SdkAutoCloseable closeable : owned) {
      closeable.close();
    }
  }
}
