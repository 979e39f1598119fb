package io.hourmeter.samples.signup;

import io.hourmeter.Buyer;
import io.hourmeter.aws.ResolvedBuyer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sample's accounts, in memory: a sign-up started by a resolved token (waiting for the buyer to fill
 * in the form, under an unguessable id that the form carries back, so nobody else can complete it) and
 * the accounts created from them, one per buyer key. A real service keeps both in its database, the
 * buyer's {@code ResolvedBuyer} fields with the account.
 *
 * <p>Thread-safe: the page's request threads share it.
 */
public final class SignupAccounts {

  /**
   * One account.
   *
   * @param id       the account's id in this service
   * @param company  the company name the buyer entered
   * @param email    the contact e-mail the buyer entered
   * @param resolved what ResolveCustomer said of the buyer
   */
  public record Account(String id, String company, String email, ResolvedBuyer resolved) {
    public Account {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(company, "company");
      Objects.requireNonNull(email, "email");
      Objects.requireNonNull(resolved, "resolved");
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final Map<String, ResolvedBuyer> pending = new ConcurrentHashMap<>();
  private final Map<String, Account> byId = new ConcurrentHashMap<>();
  private final Map<Buyer, Account> byBuyer = new ConcurrentHashMap<>();

  /** Starts a sign-up for {@code resolved}; returns its id, for the form. */
  String start(ResolvedBuyer resolved) {
    String id = newId();
    pending.put(id, Objects.requireNonNull(resolved, "resolved"));
    return id;
  }

  /** The buyer of the sign-up {@code id}, if it is pending. */
  Optional<ResolvedBuyer> pending(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(pending.get(id));
  }

  /**
   * Completes the sign-up {@code id}: the buyer's account, made now, or the one it already had (a buyer
   * who comes back through AWS Marketplace's "Set up your account" keeps its account).
   *
   * @return the account, or empty when {@code id} is not a pending sign-up
   */
  synchronized Optional<Account> complete(String id, String company, String email) {
    ResolvedBuyer resolved = id == null ? null : pending.remove(id);
    if (resolved == null) {
      return Optional.empty();
    }
    Account account = byBuyer.computeIfAbsent(resolved.buyer(),
        buyer -> new Account(newId(), company, email, resolved));
    byId.put(account.id(), account);
    return Optional.of(account);
  }

  /** The account of {@code buyer}, if it signed up. */
  public Optional<Account> ofBuyer(Buyer buyer) {
    return Optional.ofNullable(byBuyer.get(buyer));
  }

  /** The account {@code id}. */
  public Optional<Account> byId(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
