package io.hourmeter.spring.boot;

import io.hourmeter.Meter;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the meter when the application stops, after the web server has stopped taking requests: its
 * phase is below those of Spring Boot's graceful web-server shutdown ({@code Integer.MAX_VALUE - 1024})
 * and web-server stop ({@code Integer.MAX_VALUE - 2048}), and Spring stops higher phases first. The
 * requests in flight have recorded their usage by then, and {@code close()} applies
 * {@code hourmeter.shutdown-policy}. The meter is built (and the drainer started) when the bean is
 * created, so it also records before the web server starts.
 *
 * <p>Thread-safe: Spring calls it from the thread that closes the context.
 */
public final class HourmeterLifecycle implements SmartLifecycle {

  /** Below the web server's phases: stopped after it, started before it. */
  public static final int PHASE = Integer.MAX_VALUE - 4096;

  private final Meter meter;
  private volatile boolean running;

  HourmeterLifecycle(Meter meter) {
    this.meter = meter;
  }

  @Override
  public void start() {
    running = true;
  }

  /** Closes the meter (bounded by {@code hourmeter.close-timeout}); idempotent. */
  @Override
  public void stop() {
    running = false;
    meter.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
