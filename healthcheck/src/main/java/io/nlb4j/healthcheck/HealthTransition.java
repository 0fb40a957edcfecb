package io.nlb4j.healthcheck;

import io.nlb4j.membership.HealthStatus;

import java.net.InetSocketAddress;

/**
 * A change of a server's health.
 *
 * @param server the server's traffic address
 * @param from the status before
 * @param to the status now
 * @param reason the result of the probe that caused it: {@code ok}, {@code timeout}, {@code refused},
 *        {@code status 503}, {@code body mismatch}, ...
 */
public record HealthTransition(InetSocketAddress server, HealthStatus from, HealthStatus to, String reason) {

    @Override
    public String toString() {
        return server.getHostString() + ':' + server.getPort() + ' ' + from + " -> " + to + " (" + reason + ')';
    }
}
