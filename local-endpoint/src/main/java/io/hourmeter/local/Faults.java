package io.hourmeter.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Faults the endpoint injects, switchable at run time. Each kind has a rate (0.0 to 1.0, drawn from a
 * seeded random source so runs repeat) and a count of "the next n requests", which tests use to script
 * exact sequences; a scripted fault is used before the rate is consulted. Faults are decided in this
 * order for each request: latency, drop before recording, throttling, 500, a scripted
 * {@link ModelledError} ({@link #rejectNext}), then the request is handled (a BatchMeterUsage call
 * decides per record whether to leave it in {@code UnprocessedRecords}; a RegisterUsage call whether to
 * {@linkplain #tamperSignatureNext spoil its Signature}), then drop after recording. A
 * {@linkplain #answerNext scripted answer} (the status and body a proxy or load balancer in front of the
 * service may send) takes the place of all of these for one request.
 *
 * <p>Thread-safe: setters may be called from a test thread while the server handles requests.
 */
public final class Faults {

  /** The kinds of fault, in the order they are decided for a request. */
  enum Kind { DROP_BEFORE, THROTTLE, SERVER_ERROR, UNPROCESSED_RECORD, DROP_AFTER }

  /** One kind's switch: a rate and a count of scripted faults still to come. */
  private static final class Switch {
    double rate;
    int next;
  }

  /**
   * An HTTP answer given instead of the service's own, as a proxy or load balancer in front of it may
   * send: any status, content type and body, and no {@code x-amzn-ErrorType} header.
   *
   * @param status         the HTTP status
   * @param contentType    the Content-Type header, or null for none
   * @param body           the body, empty for none
   * @param afterRecording whether the request is handled (and so recorded) before this answer replaces
   *                       the service's; false answers before anything is recorded
   */
  public record Answer(int status, String contentType, String body, boolean afterRecording) {
    public Answer {
      if (status < 200 || status > 599) {
        throw new IllegalArgumentException("status must be within 200..599 but was " + status);
      }
      Objects.requireNonNull(body, "body");
    }
  }

  private final Map<Kind, Switch> switches = new EnumMap<>(Kind.class);
  private final Deque<Answer> answers = new ArrayDeque<>();
  private final Deque<ModelledError> rejections = new ArrayDeque<>();
  private final Deque<SignatureTampering> tamperings = new ArrayDeque<>();
  private Random random = new Random(1);
  private Duration latency = Duration.ZERO;

  Faults() {
    for (Kind kind : Kind.values()) {
      switches.put(kind, new Switch());
    }
  }

  /** Answers this share of requests with ThrottlingException (HTTP 400). */
  public Faults throttleRate(double rate) {
    return rate(Kind.THROTTLE, rate, "throttleRate");
  }

  /** Answers this share of requests with InternalServiceErrorException (HTTP 500). */
  public Faults serverErrorRate(double rate) {
    return rate(Kind.SERVER_ERROR, rate, "serverErrorRate");
  }

  /** Closes the connection without an answer, before recording anything, for this share of requests. */
  public Faults dropBeforeRecordRate(double rate) {
    return rate(Kind.DROP_BEFORE, rate, "dropBeforeRecordRate");
  }

  /** Handles (and so records) this share of requests, then closes the connection without an answer. */
  public Faults dropAfterRecordRate(double rate) {
    return rate(Kind.DROP_AFTER, rate, "dropAfterRecordRate");
  }

  /** Throttles the next {@code count} requests. */
  public Faults throttleNext(int count) {
    return next(Kind.THROTTLE, count, "throttleNext");
  }

  /** Answers the next {@code count} requests with a 500. */
  public Faults serverErrorNext(int count) {
    return next(Kind.SERVER_ERROR, count, "serverErrorNext");
  }

  /** Drops the next {@code count} requests before recording them. */
  public Faults dropNextBeforeRecord(int count) {
    return next(Kind.DROP_BEFORE, count, "dropNextBeforeRecord");
  }

  /** Records the next {@code count} requests, then drops their connections without answering. */
  public Faults dropNextAfterRecord(int count) {
    return next(Kind.DROP_AFTER, count, "dropNextAfterRecord");
  }

  /** Gives {@code answer} to the next request that has no scripted answer yet (each call scripts one). */
  public synchronized Faults answerNext(Answer answer) {
    answers.addLast(Objects.requireNonNull(answer, "answer"));
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
    for (Switch each : switches.values()) {
      each.rate = 0;
      each.next = 0;
    }
    answers.clear();
    latency = Duration.ZERO;
    rejections.clear();
    tamperings.clear();
    return this;
  }

  /**
   * Leaves this share of BatchMeterUsage records unprocessed: they come back in
   * {@code UnprocessedRecords}, unrecorded, while the rest of the call is processed.
   */
  public Faults unprocessedRecordRate(double rate) {
    return rate(Kind.UNPROCESSED_RECORD, rate, "unprocessedRecordRate");
  }

  /** Leaves the next {@code count} BatchMeterUsage records received unprocessed, in arrival order. */
  public Faults unprocessedRecordsNext(int count) {
    return next(Kind.UNPROCESSED_RECORD, count, "unprocessedRecordsNext");
  }

  /**
   * Answers the next {@code count} requests with {@code error}, recording nothing; queued after any
   * rejections still to come, so a test can script a sequence of errors.
   */
  public synchronized Faults rejectNext(ModelledError error, int count) {
    return enqueue(rejections, error, count, "rejectNext");
  }

  /** Queues {@code count} copies of {@code fault} after those still to come. */
  private synchronized <T> Faults enqueue(Deque<T> queue, T fault, int count, String name) {
    Objects.requireNonNull(fault, name);
    if (count < 0) {
      throw new IllegalArgumentException(name + " count must be >= 0 but was " + count);
    }
    for (int i = 0; i < count; i++) {
      queue.addLast(fault);
    }
    return this;
  }

  /**
   * Spoils the Signature of the next {@code count} RegisterUsage answers as {@code tampering} says (the
   * call itself succeeds); queued after any tamperings still to come. Other operations leave them.
   */
  public synchronized Faults tamperSignatureNext(SignatureTampering tampering, int count) {
    return enqueue(tamperings, tampering, count, "tamperSignatureNext");
  }

  /** Uses up the next scripted tampering of a RegisterUsage answer, or returns {@code null}. */
  synchronized SignatureTampering takeTampering() {
    return tamperings.pollFirst();
  }

  /** Uses up the next scripted rejection, or returns {@code null} when none is due. */
  synchronized ModelledError takeRejection() {
    return rejections.pollFirst();
  }

  synchronized Duration latency() {
    return latency;
  }

  /** Uses up the scripted answer of the current request, or returns null when none is left. */
  synchronized Answer takeAnswer() {
    return answers.pollFirst();
  }

  /** Decides, and uses up, the fault of {@code kind} for the current request. */
  synchronized boolean take(Kind kind) {
    Switch each = switches.get(kind);
    if (each.next > 0) {
      each.next--;
      return true;
    }
    return each.rate > 0 && random.nextDouble() < each.rate;
  }

  private synchronized Faults rate(Kind kind, double rate, String name) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException(name + " must be within 0.0..1.0 but was " + rate);
    }
    switches.get(kind).rate = rate;
    return this;
  }

  private synchronized Faults next(Kind kind, int count, String name) {
    if (count < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + count);
    }
    switches.get(kind).next = count;
    return this;
  }
}
