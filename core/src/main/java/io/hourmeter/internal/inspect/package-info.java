/**
 * Read-only inspection of a journal directory for the {@code hourmeter} CLI:
 * {@link io.hourmeter.internal.inspect.JournalInspection}. Internal: not a supported API.
 */
package io.hourmeter.internal.inspect;
