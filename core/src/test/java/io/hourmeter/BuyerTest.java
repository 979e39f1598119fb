package io.hourmeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuyerTest {
  private static final String LICENSE = "arn:aws:license-manager::123456789012:license/l-0123456789abcdef";

  @Test
  void eachFormHasOneCanonicalKeyThatFromKeyReverses() {
    for (Buyer b : new Buyer[] {Buyer.of("123456789012", LICENSE), Buyer.ofAccount("123456789012"),
        Buyer.ofCustomerIdentifier("cust:with spaces=1")}) {
      assertThat(Buyer.fromKey(b.key())).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(Buyer.fromKey(b.key()).key()).isEqualTo(b.key());
    }
    assertThat(Buyer.of("123456789012", LICENSE)).isNotEqualTo(Buyer.ofAccount("123456789012"));
    assertThat(Buyer.of("123456789012", LICENSE).licenseArn()).isEqualTo(LICENSE);
    assertThat(Buyer.ofAccount("123456789012").licenseArn()).isNull();
  }

  @Test
  void twoLicensesOfOneAccountAreTwoBuyers() {
    assertThat(Buyer.of("123456789012", LICENSE)).isNotEqualTo(Buyer.of("123456789012", LICENSE + "2"));
  }

  @Test
  void badFieldsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Buyer.ofAccount("12345678901x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CustomerAWSAccountId");
    assertThatThrownBy(() -> Buyer.ofAccount("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CustomerAWSAccountId");
    assertThatThrownBy(() -> Buyer.of("123456789012", "license/l-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LicenseArn");
    assertThatThrownBy(() -> Buyer.ofCustomerIdentifier("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CustomerIdentifier");
    assertThatThrownBy(() -> Buyer.ofCustomerIdentifier("x".repeat(256))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CustomerIdentifier");
    assertThatThrownBy(() -> Buyer.ofCustomerIdentifier("a\u0001b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CustomerIdentifier");
    assertThatThrownBy(() -> Buyer.fromKey("nobody")).isInstanceOf(IllegalArgumentException.class);
  }
}
