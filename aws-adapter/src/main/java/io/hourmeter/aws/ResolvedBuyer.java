package io.hourmeter.aws;

import io.hourmeter.Buyer;
import java.util.Objects;

/**
 * What ResolveCustomer answered for a buyer's registration token, checked to be for this seller's
 * product: every field of the reply, and the {@link Buyer} that a {@code MeteringMode.SAAS} meter
 * records this buyer's usage against. Store the fields with the buyer's account in your service; make
 * the same {@code Buyer} again from them later ({@link Buyer#fromKey} on {@code buyer().key()}, or the
 * factory below).
 *
 * <p>The buyer is, as BatchMeterUsage wants it: {@link Buyer#of account and LicenseArn} when the reply
 * has a LicenseArn (every product created since 2026-06-01); else {@link Buyer#ofAccount the account};
 * else, for an old integration whose reply has neither, {@link Buyer#ofCustomerIdentifier the legacy
 * CustomerIdentifier}. An existing integration that has always metered by CustomerIdentifier and
 * wants to keep doing so makes {@code Buyer.ofCustomerIdentifier(customerIdentifier())} itself: a
 * buyer's key must not change between hours.
 *
 * @param buyer                the buyer to meter against
 * @param productCode          the reply's ProductCode: always the resolver's configured product
 * @param customerAWSAccountId the reply's CustomerAWSAccountId, or {@code null}
 * @param licenseArn           the reply's LicenseArn, or {@code null}
 * @param customerIdentifier   the reply's legacy CustomerIdentifier, or {@code null} (new products get
 *                             none)
 */
public record ResolvedBuyer(Buyer buyer, String productCode, String customerAWSAccountId, String licenseArn,
    String customerIdentifier) {

  public ResolvedBuyer {
    Objects.requireNonNull(buyer, "buyer");
    Objects.requireNonNull(productCode, "productCode");
  }

  /**
   * The buyer a ResolveCustomer reply names, by the rule above.
   *
   * @throws IllegalArgumentException when the reply names no buyer, or a field breaks the service model
   *                                  (a LicenseArn without an account, an account that is not digits)
   */
  static Buyer buyerOf(String customerAWSAccountId, String licenseArn, String customerIdentifier) {
    if (licenseArn != null) {
      if (customerAWSAccountId == null) {
        throw new IllegalArgumentException("the reply has a LicenseArn but no CustomerAWSAccountId");
      }
      return Buyer.of(customerAWSAccountId, licenseArn);
    }
    if (customerAWSAccountId != null) {
      return Buyer.ofAccount(customerAWSAccountId);
    }
    if (customerIdentifier != null) {
      return Buyer.ofCustomerIdentifier(customerIdentifier);
    }
    throw new IllegalArgumentException("the reply names no buyer: no CustomerAWSAccountId, LicenseArn or "
        + "CustomerIdentifier");
  }
}
