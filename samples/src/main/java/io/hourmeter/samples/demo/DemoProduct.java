package io.hourmeter.samples.demo;

import java.util.List;

/**
 * The products the demo meters locally: their codes and the dimensions their listings declare. Against real
 * AWS the user names their own product code and dimensions.
 */
final class DemoProduct {
  static final String LOCAL_PRODUCT_CODE = "hourmeter-demo-product";
  /** The SaaS product of {@code --saas}, metered per buyer with BatchMeterUsage. */
  static final String LOCAL_SAAS_PRODUCT_CODE = "hourmeter-demo-saas-product";
  static final List<String> LOCAL_DIMENSIONS = List.of("api_calls", "storage_gb", "active_users");

  private DemoProduct() { }
}
