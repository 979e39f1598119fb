package io.hourmeter.local;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which SaaS buyers the endpoint was told about, per product, and how a UsageRecord's buyer finds its
 * subscription: by CustomerIdentifier, by CustomerAWSAccountId without a license, or by LicenseArn
 * (a license belongs to one account and one product). A buyer the endpoint was not told about is
 * {@code CustomerNotSubscribed}; a known license named with another account, or for another product,
 * is {@code InvalidLicenseException} ("Ensure the LicenseArn is valid, matches the customer", the
 * model says), which rejects the whole call.
 *
 * <p>Not thread-safe: {@link MeteringRecords} guards it.
 */
final class Subscriptions {

  /**
   * One buyer's subscription to one product.
   *
   * @param id          the buyer's identity in record keys: records that find the same subscription
   *                    are the same buyer, whichever of its names they carry
   * @param productCode the product
   * @param customer    the buyer as configured
   */
  record Subscription(int id, String productCode, SaasCustomer customer) { }

  private final Map<String, Subscription> byIdentifier = new HashMap<>();
  private final Map<String, Subscription> byAccount = new HashMap<>();
  private final Map<String, Subscription> byLicense = new HashMap<>();
  private final Map<String, Subscription> byRegistrationToken = new HashMap<>();
  private final Set<String> expiredRegistrationTokens = new HashSet<>();
  private int lastId;

  /** Subscribes {@code customer} and lets {@code token} resolve to it, as a buyer's registration does. */
  void register(String token, String productCode, SaasCustomer customer) {
    subscribe(productCode, customer);
    if (byRegistrationToken.putIfAbsent(token, find(productCode, customer)) != null) {
      throw new IllegalArgumentException("registration: token " + token + " is given twice");
    }
  }

  /** Lets {@code token} be one AWS issued that has expired: ResolveCustomer answers ExpiredTokenException. */
  void expireRegistration(String token) {
    if (byRegistrationToken.containsKey(token) || !expiredRegistrationTokens.add(token)) {
      throw new IllegalArgumentException("expiredRegistrationToken: token " + token + " is given twice");
    }
  }

  /** The ResolveCustomer answer for {@code token}, or ExpiredTokenException, or InvalidTokenException. */
  String resolve(String token) throws MeteringError {
    if (expiredRegistrationTokens.contains(token)) {
      throw MeteringError.badRequest("ExpiredTokenException", "The registration token has expired.");
    }
    Subscription registered = byRegistrationToken.get(token);
    if (registered == null) {
      throw MeteringError.badRequest("InvalidTokenException", "The registration token is invalid.");
    }
    SaasCustomer customer = registered.customer();
    StringBuilder json = new StringBuilder("{");
    member(json, "CustomerIdentifier", customer.customerIdentifier());
    member(json, "CustomerAWSAccountId", customer.customerAWSAccountId());
    member(json, "LicenseArn", customer.licenseArn());
    member(json, "ProductCode", registered.productCode());
    return json.append('}').toString();
  }

  private static void member(StringBuilder json, String name, String value) {
    if (value != null) {
      json.append(json.length() == 1 ? "" : ",").append(Json.quote(name)).append(':').append(Json.quote(value));
    }
  }

  /** Subscribes {@code customer} to {@code productCode}; subscribing again is harmless. */
  void subscribe(String productCode, SaasCustomer customer) {
    Subscription known = find(productCode, customer);
    if (known != null && known.customer().equals(customer)) {
      return;
    }
    if (customer.licenseArn() != null && byLicense.containsKey(customer.licenseArn())) {
      throw new IllegalArgumentException("subscriber: license " + customer.licenseArn() + " is already held by "
          + byLicense.get(customer.licenseArn()));
    }
    Subscription subscription = new Subscription(++lastId, productCode, customer);
    if (customer.customerIdentifier() != null) {
      byIdentifier.put(productCode + '\u0000' + customer.customerIdentifier(), subscription);
    }
    if (customer.licenseArn() != null) {
      byLicense.put(customer.licenseArn(), subscription);
    } else if (customer.customerAWSAccountId() != null) {
      byAccount.put(productCode + '\u0000' + customer.customerAWSAccountId(), subscription);
    }
  }

  /** Ends the subscription: later records of this buyer are CustomerNotSubscribed. */
  void unsubscribe(String productCode, SaasCustomer customer) {
    byIdentifier.values().removeIf(s -> s.productCode().equals(productCode) && s.customer().equals(customer));
    byAccount.values().removeIf(s -> s.productCode().equals(productCode) && s.customer().equals(customer));
    byLicense.values().removeIf(s -> s.productCode().equals(productCode) && s.customer().equals(customer));
  }

  /**
   * The product that the records' known licenses belong to, for a request without ProductCode;
   * {@code null} when they name no license the endpoint knows.
   */
  String productOfLicenses(List<BatchMeterUsageCall.UsageRecord> records) throws MeteringError {
    String product = null;
    for (BatchMeterUsageCall.UsageRecord record : records) {
      Subscription licensed = record.customer().licenseArn() == null ? null
          : byLicense.get(record.customer().licenseArn());
      if (licensed == null) {
        continue;
      }
      if (product != null && !product.equals(licensed.productCode())) {
        throw MeteringError.badRequest("InvalidLicenseException", "The licenses of one request belong to "
            + product + " and " + licensed.productCode() + "; BatchMeterUsage takes one product per call.");
      }
      product = licensed.productCode();
    }
    return product;
  }

  /** InvalidLicenseException when a known license is named with another account or product. */
  void checkLicenses(String productCode, List<BatchMeterUsageCall.UsageRecord> records) throws MeteringError {
    for (BatchMeterUsageCall.UsageRecord record : records) {
      SaasCustomer wire = record.customer();
      Subscription licensed = wire.licenseArn() == null ? null : byLicense.get(wire.licenseArn());
      if (licensed == null) {
        continue;
      }
      if (!licensed.customer().customerAWSAccountId().equals(wire.customerAWSAccountId())
          || !licensed.productCode().equals(productCode)) {
        throw MeteringError.badRequest("InvalidLicenseException", "The license " + wire.licenseArn()
            + " does not match customer " + wire.customerAWSAccountId() + " and product " + productCode + ".");
      }
    }
  }

  /** The subscription a record's buyer names, or {@code null}: CustomerNotSubscribed. */
  Subscription find(String productCode, SaasCustomer wire) {
    if (wire.customerIdentifier() != null) {
      Subscription found = byIdentifier.get(productCode + '\u0000' + wire.customerIdentifier());
      if (found != null || wire.customerAWSAccountId() == null) {
        return found;
      }
    }
    if (wire.licenseArn() != null) {
      Subscription found = byLicense.get(wire.licenseArn());
      return found != null && found.productCode().equals(productCode)
          && Objects.equals(found.customer().customerAWSAccountId(), wire.customerAWSAccountId()) ? found : null;
    }
    return byAccount.get(productCode + '\u0000' + wire.customerAWSAccountId());
  }
}
