package io.hourmeter.samples.cli;

import io.hourmeter.Buyer;
import java.util.Map;

/**
 * The buyer fields of a SaaS row: {@code customer} (the canonical key the tables print and
 * {@code --customer} takes), then the BatchMeterUsage fields it stands for ({@code awsAccountId},
 * {@code licenseArn}, {@code customerIdentifier}, each {@code null} when the buyer's form lacks it), so
 * scripts can match either. Rows outside SaaS get none of them, and read as before buyers existed.
 */
final class BuyerColumns {
  private BuyerColumns() { }

  /** Puts the buyer fields of {@code buyer} into {@code row}, in the fixed order above. */
  static void put(Map<String, Object> row, Buyer buyer) {
    row.put("customer", buyer == null ? null : buyer.key());
    row.put("awsAccountId", buyer == null ? null : buyer.awsAccountId());
    row.put("licenseArn", buyer == null ? null : buyer.licenseArn());
    row.put("customerIdentifier", buyer == null ? null : buyer.customerIdentifier());
  }

  /** {@link #put} from a buyer key ({@code null} for none). */
  static void putKey(Map<String, Object> row, String buyerKey) {
    put(row, buyerKey == null ? null : Buyer.fromKey(buyerKey));
  }
}
