package io.hourmeter.samples.demo;

import java.util.List;

/**
 * The product the demo meters locally: its code and the dimensions its listing declares. Against real
 * AWS the user names their own product code and dimensions.
 */
final class DemoProduct {
  static final String LOCAL_PRODUCT_CODE = "hourmeter-demo-product";
  static final List<String> LOCAL_DIMENSIONS = List.of("api_calls", "storage_gb", "active_users");

  private DemoProduct() { }
}
