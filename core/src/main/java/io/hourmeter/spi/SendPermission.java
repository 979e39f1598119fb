package io.hourmeter.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to {@link UsageSubmitter#tryAcquirePermission()}.
 *
 * @param granted    whether a send may start now
 * @param retryAfter when not granted, how long to wait before asking again
 * @param reason     when not granted, why (for status and logs)
 */
public record SendPermission(boolean granted, Duration retryAfter, String reason) {

  private static final SendPermission GRANTED = new SendPermission(true, Duration.ZERO, "");

  public SendPermission {
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(reason, "reason");
  }

  public static SendPermission allow() {
    return GRANTED;
  }

  public static SendPermission deny(Duration retryAfter, String reason) {
    return new SendPermission(false, retryAfter, reason);
  }
}
