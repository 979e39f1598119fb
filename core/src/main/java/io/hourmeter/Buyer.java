package io.hourmeter;

import io.hourmeter.internal.BuyerSlots;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A SaaS buyer, as BatchMeterUsage names it in a UsageRecord, in one of the model's three forms:
 *
 * <ul>
 *   <li>{@link #of(String, String) CustomerAWSAccountId and LicenseArn}: required for products created
 *       since 2026-06-01, and the only form that tells apart the several licenses one account may hold
 *       under Concurrent Agreements. The LicenseArn names the product, so, following the model's note
 *       ("LicenseArn instead of ProductCode"), a call that carries such records still carries the
 *       meter's ProductCode (the request's {@code ProductCode} is optional in the model, and one call
 *       is for one product) but AWS bills by the license;</li>
 *   <li>{@link #ofAccount(String) CustomerAWSAccountId} alone, with the meter's ProductCode (products
 *       that existed before Concurrent Agreements);</li>
 *   <li>{@link #ofCustomerIdentifier(String) CustomerIdentifier}, the legacy id that ResolveCustomer
 *       returns, with the meter's ProductCode.</li>
 * </ul>
 *
 * <p>A buyer is one value with one {@linkplain #key() canonical key}: the journal assigns a customer id
 * to the key, and the report key, the ledger, status and the CLI name buyers by it, so one buyer never
 * gets two ids. ResolveCustomer's answer becomes the same value ({@code Buyer.of} on its account id and
 * license), whichever form a product uses. Each field is checked against the service model's pattern
 * when the value is made, with an {@link IllegalArgumentException} that names the field.
 *
 * <p>Immutable as a value and thread-safe. (It carries one hidden slot where a meter caches the buyer's
 * customer id, so that recording by value on a {@code Buyer} the application holds costs no lookup;
 * the slot takes no part in equality and holds no reference to the meter.)
 */
public final class Buyer {
  /** The model's CustomerAWSAccountId: 1..255 digits. AWS account ids have 12. */
  static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{1,255}");
  /** The model's LicenseArn pattern. */
  static final Pattern LICENSE_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:"
      + "[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}");
  /** The model allows 0..255 characters of anything; an empty one can name nobody, so 1..255 here. */
  static final int MAX_CUSTOMER_IDENTIFIER = 255;

  private final String awsAccountId;
  private final String licenseArn;
  private final String customerIdentifier;
  private final String key;
  /** The key's hash, kept here so that a lookup of a buyer reads one object, not two. */
  private final int hash;
  /**
   * Where the last meter that recorded this buyer's usage by value left its customer id (see
   * {@code io.hourmeter.internal.BuyerSlots}); not part of the value: equality, hash and key ignore it.
   */
  private Object slot;

  static {
    BuyerSlots.install(new BuyerSlots.Accessor() {
      @Override
      public Object get(Buyer buyer) {
        return buyer.slot;
      }

      @Override
      public void set(Buyer buyer, Object value) {
        buyer.slot = value;
      }
    });
  }

  private Buyer(String awsAccountId, String licenseArn, String customerIdentifier) {
    this.awsAccountId = awsAccountId;
    this.licenseArn = licenseArn;
    this.customerIdentifier = customerIdentifier;
    this.key = customerIdentifier != null ? "id:" + customerIdentifier
        : licenseArn != null ? "acct:" + awsAccountId + ":" + licenseArn
        : "acct:" + awsAccountId;
    this.hash = key.hashCode();
  }

  /**
   * A buyer by AWS account and license (Concurrent Agreements; every product created since 2026-06-01).
   *
   * @throws IllegalArgumentException naming {@code CustomerAWSAccountId} or {@code LicenseArn} if one
   *                                  does not match the model
   */
  public static Buyer of(String customerAwsAccountId, String licenseArn) {
    return new Buyer(checkAccount(customerAwsAccountId), check("LicenseArn", licenseArn, LICENSE_ARN, 2048),
        null);
  }

  /**
   * A buyer by AWS account alone, metered under the meter's product code (products that existed before
   * Concurrent Agreements).
   *
   * @throws IllegalArgumentException naming {@code CustomerAWSAccountId} if it does not match the model
   */
  public static Buyer ofAccount(String customerAwsAccountId) {
    return new Buyer(checkAccount(customerAwsAccountId), null, null);
  }

  /**
   * A buyer by the legacy CustomerIdentifier that ResolveCustomer returned, metered under the meter's
   * product code. Deprecated by AWS for new products, kept for existing integrations.
   *
   * @throws IllegalArgumentException naming {@code CustomerIdentifier} if it is empty, longer than 255
   *                                  or holds a control character (the model allows any text; the ids
   *                                  ResolveCustomer returns are printable, and the ledger relies on it)
   */
  public static Buyer ofCustomerIdentifier(String customerIdentifier) {
    Objects.requireNonNull(customerIdentifier, "CustomerIdentifier");
    if (customerIdentifier.isEmpty() || customerIdentifier.length() > MAX_CUSTOMER_IDENTIFIER) {
      throw new IllegalArgumentException("CustomerIdentifier must be 1.." + MAX_CUSTOMER_IDENTIFIER
          + " characters but was " + customerIdentifier.length());
    }
    if (customerIdentifier.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("CustomerIdentifier must not hold control characters (ResolveCustomer "
          + "never returns them)");
    }
    return new Buyer(null, null, customerIdentifier);
  }

  /**
   * The buyer whose {@link #key()} is {@code key}.
   *
   * @throws IllegalArgumentException if {@code key} is not a buyer's canonical key
   */
  public static Buyer fromKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.startsWith("id:")) {
      return ofCustomerIdentifier(key.substring(3));
    }
    if (key.startsWith("acct:")) {
      String rest = key.substring(5);
      int colon = rest.indexOf(':');
      return colon < 0 ? ofAccount(rest) : of(rest.substring(0, colon), rest.substring(colon + 1));
    }
    throw new IllegalArgumentException("not a buyer key: " + key);
  }

  private static String checkAccount(String id) {
    return check("CustomerAWSAccountId", id, ACCOUNT_ID, 255);
  }

  private static String check(String field, String value, Pattern pattern, int max) {
    Objects.requireNonNull(value, field);
    if (value.length() > max || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " does not match the service model's pattern "
          + pattern.pattern() + ": '" + value + "'");
    }
    return value;
  }

  /** The CustomerAWSAccountId, or {@code null} for a legacy CustomerIdentifier buyer. */
  public String awsAccountId() {
    return awsAccountId;
  }

  /** The LicenseArn, or {@code null} when the buyer is metered under the product code. */
  public String licenseArn() {
    return licenseArn;
  }

  /** The legacy CustomerIdentifier, or {@code null}. */
  public String customerIdentifier() {
    return customerIdentifier;
  }

  /**
   * The canonical key: {@code acct:<account>:<licenseArn>}, {@code acct:<account>} or
   * {@code id:<customerIdentifier>}. Equal buyers have equal keys, and {@link #fromKey} reverses it.
   */
  public String key() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof Buyer other && hash == other.hash && key.equals(other.key);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "Buyer[" + key + "]";
  }
}
