package io.hourmeter;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a health endpoint should say about metering, following AWS's guidance for Marketplace software:
 * keep serving while metering fails, and do not fail closed before two hours of metering failures. The
 * one place this rule lives: the integration sample's {@code /health/metering}, the Spring Boot
 * starter's Actuator health indicator and the Micrometer binder's {@code hourmeter.health} gauge all
 * judge a status with it.
 *
 * <ul>
 *   <li>{@link Level#OK}: nothing is waiting longer than usual.</li>
 *   <li>{@link Level#DEGRADED}: sends are failing or suspended, or the drainer is rebuilding its state,
 *       but no closed hour has waited two hours past its end. Alert an operator if it lasts; keep
 *       serving (HTTP 200).</li>
 *   <li>{@link Level#FAILING}: a closed hour has waited two hours or more past its end. This is when a
 *       product may, by its own policy, stop serving; the sample answers HTTP 503 so that an
 *       orchestrator or a load balancer can act. Usage stays journaled either way.</li>
 * </ul>
 * An hour's usage is due at the hour's end (plus a short grace), so "unsent two hours after the hour
 * ended" means metering has failed for about two hours.
 *
 * <p>Immutable and thread-safe; {@link #of} is a pure function of the snapshot.
 *
 * @param level                  the verdict
 * @param reason                 a sentence for humans
 * @param oldestUnsentHour       start of the oldest hour not yet reported, or {@code null}
 * @param timeLeftBeforeDeadline time before that hour leaves AWS's six-hour window, or {@code null}
 */
public record MeteringHealth(Level level, String reason, Instant oldestUnsentHour, Duration timeLeftBeforeDeadline) {

  /** How long metering may fail before the product may fail closed. */
  public static final Duration FAIL_CLOSED_AFTER = Duration.ofHours(2);

  /** The verdicts, mildest first. */
  public enum Level { OK, DEGRADED, FAILING }

  /** Checks that level and reason are given. */
  public MeteringHealth {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(reason, "reason");
  }

  /** Judges a status snapshot at the time it was taken ({@link MeterStatus#at()}, the meter's clock). */
  public static MeteringHealth of(MeterStatus status) {
    return of(status, status.at());
  }

  /** Judges a status snapshot taken at {@code now} (the meter's clock; use {@link MeterStatus#at()}). */
  public static MeteringHealth of(MeterStatus status, Instant now) {
    Instant oldest = status.oldestUnsentHour();
    Duration left = status.timeLeftBeforeDeadline();
    if (oldest != null) {
      Duration overdue = Duration.between(oldest.plus(Duration.ofHours(1)), now);
      if (overdue.compareTo(FAIL_CLOSED_AFTER) >= 0) {
        return new MeteringHealth(Level.FAILING, "usage of the hour starting " + oldest + " is still unsent "
            + overdue.toMinutes() + " minutes after the hour ended" + lastError(status), oldest, left);
      }
    }
    if (status.consecutiveFailures() > 0 || status.sending() == MeterStatus.Sending.RECOVERING
        || status.sending() == MeterStatus.Sending.SUSPENDED_CONFIGURATION
        || status.sending() == MeterStatus.Sending.SUSPENDED_NOT_ENTITLED || status.diskLow()) {
      return new MeteringHealth(Level.DEGRADED, "metering is " + status.sending() + " after "
          + status.consecutiveFailures() + " consecutive failure(s)" + (status.diskLow() ? "; disk low" : "")
          + lastError(status), oldest, left);
    }
    return new MeteringHealth(Level.OK, "metering is " + status.sending(), oldest, left);
  }

  /** The HTTP status a health endpoint answers: 503 only when failing, 200 otherwise (fail open). */
  public int httpStatus() {
    return level == Level.FAILING ? 503 : 200;
  }

  /** The fields a health endpoint shows, in a stable order. */
  public Map<String, Object> toMap(MeterStatus status) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("level", level.name());
    map.put("reason", reason);
    map.put("oldestUnsentHour", oldestUnsentHour == null ? null : oldestUnsentHour.toString());
    map.put("timeLeftBeforeDeadline", timeLeftBeforeDeadline == null ? null : timeLeftBeforeDeadline.toString());
    map.put("sending", status.sending().name());
    map.put("circuit", status.circuitState().name());
    map.put("consecutiveFailures", status.consecutiveFailures());
    map.put("lastSuccess", status.lastSuccess() == null ? null : status.lastSuccess().toString());
    map.put("lastError", status.lastError());
    map.put("acceptedReports", status.acceptedReports());
    map.put("refusedUnits", status.refusedUnits());
    return map;
  }

  private static String lastError(MeterStatus status) {
    return status.lastError() == null ? "" : "; last error: " + status.lastError();
  }
}
