/**
 * Internal: not a supported API. The journal's record format, public only so that the benchmarks can
 * compare the journal's append with a raw Chronicle append of the same bytes.
 */
package io.hourmeter.journal.internal;
