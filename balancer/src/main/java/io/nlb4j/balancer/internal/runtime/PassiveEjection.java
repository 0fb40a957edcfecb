package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.LoadBalancerEvent;
import io.nlb4j.balancer.LoadBalancerEvent.HealthCause;
import io.nlb4j.control.ControlContext;
import io.nlb4j.healthcheck.OutlierDetector;
import io.nlb4j.model.Durations;
import io.nlb4j.model.OutlierDetection;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive outlier ejection of one backend service: a server that reaches the configured number of consecutive
 * connect failures or resets is taken out of the picker for a time that grows with each ejection, at most the
 * configured share of servers at once. Runs in the control context; the service rebuilds its picker when told.
 */
final class PassiveEjection {

    private static final Logger log = LoggerFactory.getLogger(PassiveEjection.class);

    private final String service;
    private final OutlierDetection spec;
    private final OutlierDetector detector;
    private final ControlContext ctx;
    private final Events events;
    private final Runnable rebuild;

    private PassiveEjection(String service, OutlierDetection spec, ControlContext ctx, Events events,
            Runnable rebuild) {
        this.service = service;
        this.spec = spec;
        this.detector = new OutlierDetector(spec.consecutiveFailures(), spec.baseEjectionTime().toNanos(),
                spec.maxEjectionPercent());
        this.ctx = ctx;
        this.events = events;
        this.rebuild = rebuild;
    }

    /** The service's ejection, or {@code null} if its outlier detection is off. */
    static PassiveEjection of(String service, OutlierDetection spec, ControlContext ctx, Events events,
            Runnable rebuild) {
        return spec.enabled() ? new PassiveEjection(service, spec, ctx, events, rebuild) : null;
    }

    /** Whether this many consecutive failures reach the threshold; may be called on any thread. */
    boolean ejects(int consecutive) {
        return detector.ejects(consecutive);
    }

    /**
     * Ejects a server unless too many are ejected already; schedules its return on the control clock.
     *
     * The return is cancelled with {@link ServerEntry#ejection} when the server leaves the service.
     *
     * @param all the service's servers, to count how many are ejected and of how many
     */
    void eject(ServerEntry e, Collection<ServerEntry> all) {
        ctx.checkInContext();
        if (e.outlier.ejected()) {
            return;
        }
        int ejected = (int) all.stream().filter(x -> x.outlier.ejected()).count();
        long nanos = detector.eject(e.outlier, ejected, all.size(), ctx.nanoTime());
        e.endpoint.resetFailures();
        if (nanos == 0) {
            log.info("backend service {}: server {} not ejected: at most {}% of servers may be ejected", service,
                    e.key(), spec.maxEjectionPercent());
            return;
        }
        rebuild.run();
        Duration length = Duration.ofNanos(nanos);
        String reason = spec.consecutiveFailures() + " consecutive connect failures or resets";
        log.info("backend service {}: server {} ejected for {} after {}", service, e.key(), Durations.format(length),
                reason);
        events.publish(t -> new LoadBalancerEvent.ServerUnhealthy(t, service, e.address,
                HealthCause.OUTLIER_DETECTION, e.health, reason, Optional.of(length)));
        e.ejection = ctx.schedule(() -> release(e), length);
    }

    private void release(ServerEntry e) {
        e.ejection = null;
        detector.release(e.outlier);
        e.endpoint.resetFailures();
        log.info("backend service {}: server {} back from ejection", service, e.key());
        events.publish(t -> new LoadBalancerEvent.ServerHealthy(t, service, e.address,
                HealthCause.OUTLIER_DETECTION, "ejection ended"));
        rebuild.run();
    }
}
