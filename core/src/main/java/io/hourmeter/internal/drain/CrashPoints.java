package io.hourmeter.internal.drain;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points in the drainer where crash tests halt the JVM, to prove that a crash there loses and
 * doubles nothing. Inert unless the system property {@code hourmeter.test.haltAt} is set to
 * {@code <point>:<n>} (halt, as {@code kill -9} would, on the n-th time the point is reached).
 * Test-only; thread-safe.
 */
public final class CrashPoints {
  /** After a freeze is committed, before anything is sent. */
  public static final String AFTER_FREEZE = "after-freeze";
  /** After IN_FLIGHT is committed, before the submitter is called. */
  public static final String BEFORE_SEND = "before-send";
  /** After the submitter answered, before the outcome is committed. */
  public static final String AFTER_SEND = "after-send";
  /** A checkpoint of sums is gathered (open hours' changed sums, the read position), not yet committed. */
  public static final String BEFORE_SUMS_CHECKPOINT = "before-sums-checkpoint";
  /** A checkpoint of sums is committed, before the drainer's next work. */
  public static final String AFTER_SUMS_CHECKPOINT = "after-sums-checkpoint";

  private static final String POINT;
  private static final int NTH;
  private static final AtomicInteger SEEN = new AtomicInteger();

  static {
    String spec = System.getProperty("hourmeter.test.haltAt", "");
    int colon = spec.indexOf(':');
    POINT = colon < 0 ? spec : spec.substring(0, colon);
    NTH = colon < 0 ? 1 : Integer.parseInt(spec.substring(colon + 1));
  }

  private CrashPoints() { }

  static void reached(String point) {
    if (!POINT.isEmpty() && POINT.equals(point) && SEEN.incrementAndGet() == NTH) {
      System.out.println("HALT " + point);
      System.out.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
