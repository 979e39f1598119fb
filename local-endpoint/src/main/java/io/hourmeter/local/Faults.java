package io.hourmeter.local;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Faults the endpoint injects, switchable at run time. Each kind has a rate (0.0 to 1.0, drawn from a
 * seeded random source so runs repeat) and a count of "the next n requests", which tests use to script
 * exact sequences; a scripted fault is used before the rate is consulted. Faults are decided in this
 * order for each request: latency, drop before recording, throttling, 500, then the request is handled,
 * then drop after recording.
 *
 * <p>Thread-safe: setters may be called from a test thread while the server handles requests.
 */
public final class Faults {

  /** What a fault check decided for one request. */
  enum Kind { DROP_BEFORE, THROTTLE, SERVER_ERROR, DROP_AFTER }

  private Random random = new Random(1);
  private double throttleRate;
  private double serverErrorRate;
  private double dropBeforeRate;
  private double dropAfterRate;
  private int throttleNext;
  private int serverErrorNext;
  private int dropBeforeNext;
  private int dropAfterNext;
  private Duration latency = Duration.ZERO;

  Faults() { }

  /** Answers this share of requests with ThrottlingException (HTTP 400). */
  public synchronized Faults throttleRate(double rate) {
    throttleRate = rate(rate, "throttleRate");
    return this;
  }

  /** Answers this share of requests with InternalServiceErrorException (HTTP 500). */
  public synchronized Faults serverErrorRate(double rate) {
    serverErrorRate = rate(rate, "serverErrorRate");
    return this;
  }

  /** Closes the connection without an answer, before recording anything, for this share of requests. */
  public synchronized Faults dropBeforeRecordRate(double rate) {
    dropBeforeRate = rate(rate, "dropBeforeRecordRate");
    return this;
  }

  /** Handles (and so records) this share of requests, then closes the connection without an answer. */
  public synchronized Faults dropAfterRecordRate(double rate) {
    dropAfterRate = rate(rate, "dropAfterRecordRate");
    return this;
  }

  /** Throttles the next {@code count} requests. */
  public synchronized Faults throttleNext(int count) {
    throttleNext = count(count, "throttleNext");
    return this;
  }

  /** Answers the next {@code count} requests with a 500. */
  public synchronized Faults serverErrorNext(int count) {
    serverErrorNext = count(count, "serverErrorNext");
    return this;
  }

  /** Drops the next {@code count} requests before recording them. */
  public synchronized Faults dropNextBeforeRecord(int count) {
    dropBeforeNext = count(count, "dropNextBeforeRecord");
    return this;
  }

  /** Records the next {@code count} requests, then drops their connections without answering. */
  public synchronized Faults dropNextAfterRecord(int count) {
    dropAfterNext = count(count, "dropNextAfterRecord");
    return this;
  }

  /** Waits this long before handling each request (real time, not the endpoint's clock). */
  public synchronized Faults latency(Duration added) {
    Objects.requireNonNull(added, "latency");
    if (added.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + added);
    }
    latency = added;
    return this;
  }

  /** Reseeds the random source behind the rates. */
  public synchronized Faults seed(long seed) {
    random = new Random(seed);
    return this;
  }

  /** Switches every fault off. */
  public synchronized Faults clear() {
    throttleRate = serverErrorRate = dropBeforeRate = dropAfterRate = 0;
    throttleNext = serverErrorNext = dropBeforeNext = dropAfterNext = 0;
    latency = Duration.ZERO;
    return this;
  }

  synchronized Duration latency() {
    return latency;
  }

  /** Decides, and uses up, the fault of {@code kind} for the current request. */
  synchronized boolean take(Kind kind) {
    return switch (kind) {
      case DROP_BEFORE -> {
        if (dropBeforeNext > 0) {
          dropBeforeNext--;
          yield true;
        }
        yield draw(dropBeforeRate);
      }
      case THROTTLE -> {
        if (throttleNext > 0) {
          throttleNext--;
          yield true;
        }
        yield draw(throttleRate);
      }
      case SERVER_ERROR -> {
        if (serverErrorNext > 0) {
          serverErrorNext--;
          yield true;
        }
        yield draw(serverErrorRate);
      }
      case DROP_AFTER -> {
        if (dropAfterNext > 0) {
          dropAfterNext--;
          yield true;
        }
        yield draw(dropAfterRate);
      }
    };
  }

  private boolean draw(double rate) {
    return rate > 0 && random.nextDouble() < rate;
  }

  private static double rate(double rate, String name) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException(name + " must be within 0.0..1.0 but was " + rate);
    }
    return rate;
  }

  private static int count(int count, String name) {
    if (count < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + count);
    }
    return count;
  }
}
