package io.nlb4j.healthcheck;

import java.net.InetSocketAddress;

/**
 * The outcome of one probe.
 *
 * @param server the server's traffic address
 * @param success whether the probe passed
 * @param reason {@code ok}, or why it failed: {@code timeout}, {@code refused}, {@code reset},
 *        {@code status 503}, {@code body mismatch}, ...
 * @param scheduledNanos when the probe was due ({@link System#nanoTime()} clock, jitter included)
 * @param startedNanos when it started; {@code startedNanos - scheduledNanos} is the scheduling delay
 * @param durationNanos how long it took
 */
public record ProbeResult(InetSocketAddress server, boolean success, String reason, long scheduledNanos,
                          long startedNanos, long durationNanos) {
}
