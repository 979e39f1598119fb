package io.hourmeter.samples.cli;

import io.hourmeter.Buyer;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * The {@code --customer} option of the commands that list usage: one SaaS buyer by its canonical key
 * ({@code acct:<account id>}, {@code acct:<account id>:<LicenseArn>}, {@code id:<CustomerIdentifier>},
 * as every table prints it), or an AWS account id, which selects each of the account's buyers (one per
 * license under Concurrent Agreements). A directory that is not SaaS refuses the option: it has no
 * buyers to select. Not thread-safe (picocli fills it on the command's thread).
 */
final class CustomerFilter {

  @Option(names = "--customer", paramLabel = "BUYER",
      description = "SaaS: only this buyer, by key (acct:<account id>[:<LicenseArn>] or "
          + "id:<CustomerIdentifier>) or by AWS account id (all of the account's licenses).")
  String customer;

  private Predicate<Buyer> parsed;

  /** Whether {@code --customer} was given. */
  boolean isSet() {
    return customer != null;
  }

  /** The buyers selected, or {@code null} (no filter) when the option was not given. */
  Predicate<Buyer> buyers() {
    if (customer == null) {
      return null;
    }
    if (parsed == null) {
      parsed = parse();
    }
    return parsed;
  }

  private Predicate<Buyer> parse() {
    if (customer.matches("[0-9]{1,255}")) {
      String account = customer;
      return buyer -> account.equals(buyer.awsAccountId());
    }
    Buyer only;
    try {
      only = Buyer.fromKey(customer);
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--customer must be a buyer key (acct:<account id>, acct:<account id>:<LicenseArn> "
          + "or id:<CustomerIdentifier>) or an AWS account id, not '" + customer + "'");
    }
    return only::equals;
  }

  /** Whether {@code buyer} (null outside SaaS) is selected. */
  boolean accepts(Buyer buyer) {
    return customer == null || (buyer != null && buyers().test(buyer));
  }

  /** Refuses {@code --customer} on a directory that meters no buyers. */
  void requireSaas(boolean saas, String mode) {
    if (customer != null && !saas) {
      throw new CliFailure("--customer is for SaaS directories; this one is metered in mode "
          + (mode == null ? "that is not known yet, and it has recorded no buyer" : mode));
    }
  }
}
