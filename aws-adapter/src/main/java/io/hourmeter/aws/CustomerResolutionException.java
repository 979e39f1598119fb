package io.hourmeter.aws;

import java.util.Objects;

/**
 * Why {@link CustomerResolver#resolve} could not turn a registration token into a buyer, and what to
 * tell the buyer whose browser is waiting on the fulfillment page. {@link #reason()} says whose problem
 * it is: {@linkplain Reason#buyersProblem() the buyer's} (a token that is invalid or expired: the buyer
 * gets a new one from AWS Marketplace), or the seller's (configuration, another product, AWS not
 * answering). {@link Reason#whatToTellTheBuyer()} is plain text for the page (escape it like anything
 * else you put in HTML); {@link #getMessage()} is for the seller's log and names the AWS error code.
 *
 * <p>Immutable and thread-safe.
 */
public final class CustomerResolutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Whose problem it is and what the buyer should do. */
  public enum Reason {
    /** AWS does not know the token (InvalidTokenException), or none was posted: the buyer's. */
    INVALID_TOKEN(true, "This sign-up link is not valid. Go back to AWS Marketplace, open your "
        + "subscription to this product (Manage subscriptions) and choose \"Set up your account\": you will "
        + "be brought back here with a valid link. Your subscription is not affected."),
    /** The token expired (ExpiredTokenException): the buyer took too long, or posted it again. */
    EXPIRED_TOKEN(true, "Your sign-up link from AWS Marketplace has expired: it is valid for a short time "
        + "only. Go back to AWS Marketplace, open your subscription to this product (Manage subscriptions) "
        + "and choose \"Set up your account\" again: you will be brought back here with a new link. Your "
        + "subscription is not affected."),
    /** The token is for a product other than the resolver's: a fulfillment URL set on the wrong listing. */
    OTHER_PRODUCT(false, "This sign-up page is for another product than the one your link is for. Go back "
        + "to AWS Marketplace and choose \"Set up your account\" on the product you subscribed to; if it "
        + "brings you here again, contact our support: the mistake is ours."),
    /** Credentials, permission, region, a disabled API, or a reply that breaks the model: the seller's. */
    CONFIGURATION(false, "We cannot complete your sign-up right now because of a problem on our side. Your "
        + "subscription is not affected. Please try again later (AWS Marketplace, Manage subscriptions, "
        + "\"Set up your account\"), or contact our support."),
    /** AWS kept throttling or failing through every retry. */
    UNAVAILABLE(false, "AWS Marketplace did not answer in time. Please go back to AWS Marketplace in a few "
        + "minutes and choose \"Set up your account\" again (Manage subscriptions). Your subscription is "
        + "not affected.");

    private final boolean buyersProblem;
    private final String whatToTellTheBuyer;

    Reason(boolean buyersProblem, String whatToTellTheBuyer) {
      this.buyersProblem = buyersProblem;
      this.whatToTellTheBuyer = whatToTellTheBuyer;
    }

    /** Whether the buyer can fix it (with a new token from AWS Marketplace) and nothing is wrong here. */
    public boolean buyersProblem() {
      return buyersProblem;
    }

    /** What the fulfillment page should tell the buyer: plain text, to be HTML-escaped. */
    public String whatToTellTheBuyer() {
      return whatToTellTheBuyer;
    }
  }

  private final Reason reason;
  private final String errorCode;

  CustomerResolutionException(Reason reason, String errorCode, String message, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason") + (errorCode == null ? "" : " (" + errorCode + ")") + ": "
        + message, cause);
    this.reason = reason;
    this.errorCode = errorCode;
  }

  /** Whose problem it is, and so what the page shows. */
  public Reason reason() {
    return reason;
  }

  /** The AWS error code (or Hourmeter's name for a failure that has none), or {@code null}. */
  public String errorCode() {
    return errorCode;
  }

  /** Shorthand for {@code reason().buyersProblem()}. */
  public boolean buyersProblem() {
    return reason.buyersProblem();
  }

  /** Shorthand for {@code reason().whatToTellTheBuyer()}. */
  public String whatToTellTheBuyer() {
    return reason.whatToTellTheBuyer();
  }
}
