package io.hourmeter.it.reliability;

import io.hourmeter.Buyer;
import io.hourmeter.local.SaasCustomer;

/**
 * The key the reconciliation counts units under, on all three sides (the recording threads' logs, the
 * endpoint's records and the ledger's dead letters): the dimension in the modes that meter the buyer's
 * own account, and {@code <buyer key>|<dimension>} in SaaS mode, with the {@linkplain Buyer#key()
 * buyer's canonical key}. Dimension names of these scenarios hold no {@code '|'} and no space (the
 * record logs split on spaces), so the last {@code '|'} separates the two.
 */
final class Keys {
  static final char SEPARATOR = '|';

  private Keys() { }

  /** {@code dimension} alone when {@code buyerKey} is {@code null}, else {@code buyerKey|dimension}. */
  static String of(String buyerKey, String dimension) {
    return buyerKey == null ? dimension : buyerKey + SEPARATOR + dimension;
  }

  /** The key of a buyer's dimension. */
  static String of(Buyer buyer, String dimension) {
    return of(buyer == null ? null : buyer.key(), dimension);
  }

  /** The dimension a key counts. */
  static String dimension(String key) {
    return key.substring(key.lastIndexOf(SEPARATOR) + 1);
  }

  /** The buyer key of a SaaS key, or {@code null} for a key of the buyer's own account. */
  static String buyer(String key) {
    int at = key.lastIndexOf(SEPARATOR);
    return at < 0 ? null : key.substring(0, at);
  }

  /**
   * The canonical key of a buyer exactly as a BatchMeterUsage record named it on the wire (what the
   * endpoint keeps), so that it is compared with what the meter was told to record, not with what the
   * endpoint's subscriptions made of it.
   */
  static String buyerKey(SaasCustomer wire) {
    if (wire.customerIdentifier() != null) {
      return Buyer.ofCustomerIdentifier(wire.customerIdentifier()).key();
    }
    return wire.licenseArn() != null ? Buyer.of(wire.customerAWSAccountId(), wire.licenseArn()).key()
        : Buyer.ofAccount(wire.customerAWSAccountId()).key();
  }

  /** The endpoint's name for a buyer: the form {@link Buyer} was made in. */
  static SaasCustomer customer(Buyer buyer) {
    if (buyer.customerIdentifier() != null) {
      return SaasCustomer.identifier(buyer.customerIdentifier());
    }
    return buyer.licenseArn() != null ? SaasCustomer.license(buyer.awsAccountId(), buyer.licenseArn())
        : SaasCustomer.account(buyer.awsAccountId());
  }
}
