package io.hourmeter.local;

/**
 * What the endpoint has seen since it was built.
 *
 * @param requests  HTTP requests received, whatever came of them
 * @param accepted  requests answered with a MeteringRecordId (new records and idempotent replays)
 * @param throttled requests answered with an injected ThrottlingException
 * @param failed    requests answered with an injected InternalServiceErrorException or a scripted
 *                  {@link Faults.Answer}
 * @param dropped   requests whose connection was closed without a response
 * @param rejected  requests answered with any other error (validation, dedup, auth, window, DryRun)
 */
public record Counters(long requests, long accepted, long throttled, long failed, long dropped,
    long rejected) { }
