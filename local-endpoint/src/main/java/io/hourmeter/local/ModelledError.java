package io.hourmeter.local;

/**
 * Errors of the service model that {@link Faults#rejectNext} can answer a whole call with, as AWS would
 * (HTTP 400, {@code __type} and {@code x-amzn-ErrorType} set to {@link #type()}), before anything of the
 * call is recorded. Throttling and InternalServiceError have their own faults
 * ({@link Faults#throttleNext}, {@link Faults#serverErrorNext}), counted apart.
 */
public enum ModelledError {
  INVALID_LICENSE("InvalidLicenseException"),
  INVALID_CUSTOMER_IDENTIFIER("InvalidCustomerIdentifierException"),
  INVALID_PRODUCT_CODE("InvalidProductCodeException"),
  INVALID_USAGE_DIMENSION("InvalidUsageDimensionException"),
  TIMESTAMP_OUT_OF_BOUNDS("TimestampOutOfBoundsException"),
  DISABLED_API("DisabledApiException"),
  // RegisterUsage's entitlement and configuration errors (the endpoint also answers
  // CustomerNotEntitled, InvalidProductCode, InvalidPublicKeyVersion and InvalidRegion on its own, from
  // the builder's products, notEntitled, publicKeyVersions and region).
  CUSTOMER_NOT_ENTITLED("CustomerNotEntitledException"),
  PLATFORM_NOT_SUPPORTED("PlatformNotSupportedException"),
  INVALID_PUBLIC_KEY_VERSION("InvalidPublicKeyVersionException"),
  INVALID_REGION("InvalidRegionException");

  private final String type;

  ModelledError(String type) {
    this.type = type;
  }

  /** The model's exception name, as sent in {@code __type}. */
  public String type() {
    return type;
  }

  MeteringError answer() {
    return MeteringError.badRequest(type, "Injected fault: " + type + ".");
  }
}
