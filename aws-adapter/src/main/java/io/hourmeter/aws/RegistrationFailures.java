package io.hourmeter.aws;

import io.hourmeter.spi.SubmitOutcome;
import java.time.Duration;

/**
 * The {@link RegistrationFailedException}s a container start can end with, each message saying what went
 * wrong and who must do what about it: the buyer (subscribe, run on ECS, EKS or Fargate, in a supported
 * region), or the seller (the product code, key version, public key or IAM policy in the image). Which
 * failures end a registration is {@link ErrorClassification}'s to say; this only words them.
 *
 * <p>Stateless; thread-safe.
 */
final class RegistrationFailures {

  /** What a failed registration means for the process, appended to every message. */
  private static final String STOP = " The container must stop: AWS Marketplace expects a paid container "
      + "that cannot register not to serve.";

  private RegistrationFailures() { }

  /** AWS (or the credentials chain) refused the registration in a way a retry would not change. */
  static RegistrationFailedException refused(Throwable failure, String productCode, int publicKeyVersion,
      String region) {
    SubmitOutcome outcome = ErrorClassification.classify(failure, ContainerRegistration.REGISTER_USAGE_PERMISSION);
    String code = outcome.errorCode();
    String advice = switch (code) {
      case "CustomerNotEntitledException" -> "The buyer's AWS account is not subscribed to product "
          + productCode + " (or its subscription ended). Buyer: subscribe to the product in AWS Marketplace, "
          + "then start the task or pod again.";
      case "PlatformNotSupportedException" -> "AWS Marketplace cannot meter the platform this container runs "
          + "on. Buyer: run it on Amazon ECS, Amazon EKS or AWS Fargate, with the task role or IRSA "
          + "credentials of the account that subscribed.";
      case "InvalidProductCodeException" -> "Product code " + productCode + " is not the code AWS Marketplace "
          + "issued for this container product. Seller: build the image with the product code of the "
          + "listing (ContainerRegistrationBuilder.productCode).";
      case "InvalidPublicKeyVersionException" -> "Public key version " + publicKeyVersion + " is not one "
          + "AWS Marketplace has for this product. Seller: configure the version AWS Marketplace gave you, "
          + "with its public key (ContainerRegistrationBuilder.publicKeyVersion and publicKey).";
      case "InvalidRegionException" -> "RegisterUsage was called in " + region + ", which is not the region "
          + "the task or pod runs in. Seller: do not set a region in the image (leave "
          + "ContainerRegistrationBuilder.region unset, so AWS_REGION or instance metadata decide).";
      case "DisabledApiException" -> "RegisterUsage is disabled in " + region + ". Buyer: run the container "
          + "in a region where AWS Marketplace supports RegisterUsage.";
      default -> "Seller: fix the configuration named above (for credentials: the ECS task role or EKS IRSA "
          + "role needs " + ContainerRegistration.REGISTER_USAGE_PERMISSION + ").";
    };
    return new RegistrationFailedException(code, false, "RegisterUsage failed with " + code + ": "
        + outcome.message() + ". " + advice + STOP, failure);
  }

  /** The answer came, but its Signature did not prove it came from AWS Marketplace for this start. */
  static RegistrationFailedException signatureRefused(String reason, int publicKeyVersion) {
    return new RegistrationFailedException(RegistrationFailedException.SIGNATURE_REFUSED, false,
        "RegisterUsage answered, but its Signature failed verification: " + reason + ". Seller: if the "
        + "public key configured for version " + publicKeyVersion + " is not the one AWS Marketplace gave "
        + "for it, configure that key (ContainerRegistrationBuilder.publicKey); otherwise the answer did not "
        + "come from AWS Marketplace for this start (check for a proxy or an endpointOverride between the "
        + "container and AWS)." + STOP, null);
  }

  /** Retryable failures lasted longer than the retry window. */
  static RegistrationFailedException exhausted(Throwable last, int attempts, Duration window) {
    SubmitOutcome outcome = ErrorClassification.classify(last, ContainerRegistration.REGISTER_USAGE_PERMISSION);
    return new RegistrationFailedException(outcome.errorCode(), true, "RegisterUsage did not succeed in "
        + attempts + " attempts over " + window + " (ContainerRegistrationBuilder.retryFor); the last failure: "
        + outcome.errorCode() + ": " + outcome.message() + ". Buyer: check that the task or pod can reach "
        + "the Metering endpoint of its region (NAT, VPC endpoint metering.marketplace, security groups); "
        + "throttling means more than 5 registrations a second in the account." + STOP, last);
  }

  /** The thread was interrupted while waiting to retry; its interrupt flag is set again. */
  static RegistrationFailedException interrupted(Throwable last) {
    Thread.currentThread().interrupt();
    return new RegistrationFailedException("Interrupted", false,
        "RegisterUsage was interrupted while waiting to retry after " + last + "." + STOP, last);
  }
}
