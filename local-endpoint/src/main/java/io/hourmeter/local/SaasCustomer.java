package io.hourmeter.local;

import java.util.regex.Pattern;

/**
 * A SaaS buyer as BatchMeterUsage names it in a UsageRecord: the legacy {@code CustomerIdentifier}, or
 * {@code CustomerAWSAccountId} with or without a {@code LicenseArn} (Concurrent Agreements: one account
 * may hold several licenses of a product, each its own buyer). As the endpoint's configuration
 * ({@link LocalMeteringEndpoint.Builder#subscriber}) one customer may carry both an identifier and an
 * account, the pair that ResolveCustomer returns for an existing integration: records that name either
 * are then the same buyer. As an {@link AcceptedRecord#customer()} it is exactly what the record carried
 * on the wire. Immutable.
 *
 * @param customerIdentifier   the CustomerIdentifier, or {@code null}
 * @param customerAWSAccountId the CustomerAWSAccountId, or {@code null}
 * @param licenseArn           the LicenseArn, or {@code null}; only with an account
 */
public record SaasCustomer(String customerIdentifier, String customerAWSAccountId, String licenseArn) {

  private static final Pattern ACCOUNT_ID = Pattern.compile("^[0-9]+$");
  /** The model's LicenseArn pattern, verbatim. */
  static final Pattern LICENSE_ARN = Pattern.compile("^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:"
      + "[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$");

  /**
   * Checks the model's limits.
   *
   * @throws IllegalArgumentException naming the field that breaks one
   */
  public SaasCustomer {
    if (customerIdentifier == null && customerAWSAccountId == null) {
      throw new IllegalArgumentException("customerIdentifier or customerAWSAccountId is required");
    }
    if (customerIdentifier != null && customerIdentifier.length() > 255) {
      throw new IllegalArgumentException("customerIdentifier must be at most 255 characters");
    }
    if (customerAWSAccountId != null && !validAccountId(customerAWSAccountId)) {
      throw new IllegalArgumentException("customerAWSAccountId must be 1..255 digits but was '"
          + customerAWSAccountId + "'");
    }
    if (licenseArn != null && customerAWSAccountId == null) {
      throw new IllegalArgumentException("licenseArn needs a customerAWSAccountId");
    }
    if (licenseArn != null && !LICENSE_ARN.matcher(licenseArn).matches()) {
      throw new IllegalArgumentException("licenseArn does not match the model's pattern: " + licenseArn);
    }
  }

  /** A legacy buyer, known by the CustomerIdentifier that ResolveCustomer returned. */
  public static SaasCustomer identifier(String customerIdentifier) {
    return new SaasCustomer(customerIdentifier, null, null);
  }

  /** A buyer of an existing product, known by its AWS account id. */
  public static SaasCustomer account(String customerAWSAccountId) {
    return new SaasCustomer(null, customerAWSAccountId, null);
  }

  /** A buyer of a product created since 2026-06-01: account id and one of its licenses. */
  public static SaasCustomer license(String customerAWSAccountId, String licenseArn) {
    return new SaasCustomer(null, customerAWSAccountId, licenseArn);
  }

  static boolean validAccountId(String accountId) {
    return !accountId.isEmpty() && accountId.length() <= 255 && ACCOUNT_ID.matcher(accountId).matches();
  }
}
