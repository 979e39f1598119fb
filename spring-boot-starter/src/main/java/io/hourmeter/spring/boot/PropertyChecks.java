package io.hourmeter.spring.boot;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Hands property values to Hourmeter's builders, which check them, and turns a refusal into Spring
 * Boot's {@link InvalidConfigurationPropertyValueException} naming the {@code hourmeter.*} property: its
 * failure analyzer prints the property, the value and the builder's reason at startup.
 *
 * <p>Stateless.
 */
final class PropertyChecks {

  /** Builder option names as the builders' messages start with them, and their properties. */
  private static final Map<String, String> PROPERTY_OF_OPTION = Map.ofEntries(
      Map.entry("productCode", "hourmeter.product-code"),
      Map.entry("dimensions", "hourmeter.dimensions"),
      Map.entry("dimension", "hourmeter.dimensions"),
      Map.entry("journalDirectory", "hourmeter.journal-directory"),
      Map.entry("submitter", "hourmeter.mode"),
      Map.entry("region", "hourmeter.region"),
      Map.entry("endpointOverride", "hourmeter.endpoint-override"),
      Map.entry("client", "hourmeter.region"),
      Map.entry("publicKey", "hourmeter.container.public-key"),
      Map.entry("publicKeyVersion", "hourmeter.container.public-key-version"));

  private PropertyChecks() { }

  /** Gives a set value to a builder option; a value left unset keeps the builder's default. */
  static <T> void apply(String property, T value, Consumer<T> option) {
    if (value == null) {
      return;
    }
    try {
      option.accept(value);
    } catch (RuntimeException refused) {
      throw invalid(property, value, refused);
    }
  }

  /** A value that must be set. */
  static <T> T required(String property, T value, String what) {
    if (value == null || (value instanceof java.util.Collection<?> c && c.isEmpty())
        || (value instanceof String s && s.isBlank())) {
      throw new InvalidConfigurationPropertyValueException(property, value, "is required: " + what);
    }
    return value;
  }

  /**
   * Runs a builder's {@code build()}; a refusal whose message starts with an option name becomes an
   * invalid-property failure naming that option's property; other failures pass unchanged.
   */
  static <T> T build(Supplier<T> build, Map<String, Object> values) {
    try {
      return build.get();
    } catch (RuntimeException refused) {
      String message = String.valueOf(refused.getMessage());
      for (Map.Entry<String, String> option : PROPERTY_OF_OPTION.entrySet()) {
        if (message.startsWith(option.getKey() + " ") || message.startsWith(option.getKey() + ":")) {
          throw invalid(option.getValue(), values.get(option.getValue()), refused);
        }
      }
      throw refused;
    }
  }

  private static InvalidConfigurationPropertyValueException invalid(String property, Object value,
      RuntimeException refused) {
    InvalidConfigurationPropertyValueException invalid = new InvalidConfigurationPropertyValueException(property,
        value, refused.getMessage());
    invalid.initCause(refused);
    return invalid;
  }
}
