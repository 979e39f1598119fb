package io.hourmeter.local;

import java.time.Instant;

/**
 * A RegisterUsage call the endpoint answered with a Signature (tampered or not), as it was received:
 * for tests that check what a container sent, such as a fresh nonce on every start. Immutable.
 *
 * @param productCode      the ProductCode sent
 * @param publicKeyVersion the PublicKeyVersion sent
 * @param nonce            the Nonce sent, or {@code null} when none was
 * @param receivedAt       the endpoint's clock when it signed the answer
 */
public record ReceivedRegistration(String productCode, int publicKeyVersion, String nonce, Instant receivedAt) { }
