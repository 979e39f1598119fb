package io.hourmeter.samples.signup;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reading {@code application/x-www-form-urlencoded} bodies (as AWS Marketplace posts the token, and as
 * the sign-up form posts back) and checking what the buyer typed. Stateless; thread-safe.
 */
final class SignupForm {

  /** The longest company name or e-mail address accepted. */
  static final int MAX_LENGTH = 200;
  /** The largest form body read; a larger one is refused unread. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private SignupForm() { }

  /** The fields of a form body; of a field given twice, the first. Malformed escapes are IllegalArgumentException. */
  static Map<String, String> parse(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      fields.putIfAbsent(name, value);
    }
    return fields;
  }

  /** What is wrong with the company and e-mail the buyer entered, or {@code null} when they will do. */
  static String problem(String company, String email) {
    if (company == null || company.isBlank()) {
      return "Please enter your company's name.";
    }
    if (email == null || email.isBlank()) {
      return "Please enter a contact e-mail address.";
    }
    if (company.length() > MAX_LENGTH || email.length() > MAX_LENGTH) {
      return "Please keep each field to " + MAX_LENGTH + " characters.";
    }
    int at = email.indexOf('@');
    if (at < 1 || at == email.length() - 1 || email.chars().anyMatch(Character::isWhitespace)) {
      return "The contact e-mail address must look like name@example.com.";
    }
    if (company.chars().anyMatch(Character::isISOControl)) {
      return "The company name must not hold control characters.";
    }
    return null;
  }
}
