package io.nlb4j.balancer.internal.runtime;

import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.control.ControlContext;
import io.nlb4j.model.BackendService;
import io.nlb4j.model.ServerSource;
import io.nlb4j.model.StaticServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The public face of a backend service. Changes of servers go to the service's source — for a static list, the
 * {@link StaticMembership} — and reach the service the way every membership change does; on a service fed by an
 * availability group or a provider they are refused, naming the source, so that a later snapshot of that source
 * never silently undoes them.
 */
final class BackendServiceHandle implements RunningBackendService {

    private final ServiceRuntime service;
    private final ControlContext ctx;
    /** The static list's source, or null when the service has another source; replaced by a live update. */
    private volatile StaticMembership staticMembers;

    BackendServiceHandle(ServiceRuntime service, ControlContext ctx, StaticMembership staticMembers) {
        this.service = service;
        this.ctx = ctx;
        this.staticMembers = staticMembers;
    }

    ServiceRuntime runtime() {
        return service;
    }

    /** A live update gave the service another source: the static list's, or none (null) for another kind. */
    void staticMembers(StaticMembership members) {
        this.staticMembers = members;
    }

    @Override
    public BackendService spec() {
        return service.spec;
    }

    @Override
    public Mono<Void> addServer(InetSocketAddress address, int weight) {
        Objects.requireNonNull(address, "address");
        return Mono.defer(() -> {
            checkWeight(weight);
            checkResolved(address);
            return change(() -> {
                String loop = service.forwardsToItself(address);
                if (loop != null) {
                    throw new IllegalArgumentException("address: " + address.getHostString() + ':' + address.getPort()
                            + " (expected: a server other than this load balancer: " + loop + ')');
                }
                staticMembers.add(address, weight);
            }).then(service.awaitServing(address)).then();
        });
    }

    @Override
    public Mono<Void> removeServer(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        return Mono.defer(() -> ctx.call(() -> {
            checkStatic();
            if (!staticMembers.contains(address)) {
                throw unknown(address);
            }
            Mono<Void> gone = service.whenGone(address);
            staticMembers.remove(address);
            return gone;
        }).flatMap(gone -> gone));
    }

    @Override
    public Mono<Void> setWeight(InetSocketAddress address, int weight) {
        Objects.requireNonNull(address, "address");
        return Mono.defer(() -> {
            checkWeight(weight);
            return change(() -> {
                if (!staticMembers.contains(address) || !service.inService(address)) {
                    throw new IllegalArgumentException("server: " + address + " (expected: a server in service of"
                            + " backend service \"" + service.name + "\", one of " + service.addresses() + ')');
                }
                staticMembers.setWeight(address, weight);
            });
        });
    }

    @Override
    public Mono<ServerStats> awaitServing(InetSocketAddress address) {
        return service.awaitServing(Objects.requireNonNull(address, "address"));
    }

    @Override
    public List<ServerStats> servers() {
        return service.servers();
    }

    private Mono<Void> change(Runnable change) {
        return ctx.run(() -> {
            checkStatic();
            change.run();
        });
    }

    private void checkStatic() {
        if (staticMembers == null) {
            ServerSource source = service.spec.servers();
            String from = source instanceof ServerSource.Group g ? "availability group \"" + g.group().name() + '"'
                    : "membership provider \"" + ((ServerSource.Provider) source).type() + '"';
            throw new IllegalStateException("backend service \"" + service.name + "\" takes its servers from " + from
                    + "; they cannot be changed by hand (expected: a backend service with a static server list)");
        }
    }

    private IllegalArgumentException unknown(InetSocketAddress address) {
        return new IllegalArgumentException("server: " + address + " (expected: a server of backend service \""
                + service.name + "\", one of " + service.addresses() + ')');
    }

    private static void checkWeight(int weight) {
        if (weight < StaticServer.MIN_WEIGHT || weight > StaticServer.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: " + StaticServer.MIN_WEIGHT + '-'
                    + StaticServer.MAX_WEIGHT + ')');
        }
    }

    private static void checkResolved(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address: " + address + " (expected: a resolved address)");
        }
        if (address.getPort() == 0) {
            throw new IllegalArgumentException("address: " + address.getAddress().getHostAddress() + ":0 (expected: a"
                    + " server's port, 1-65535)");
        }
    }

    @Override
    public String toString() {
        return "BackendService(" + service.name + ')';
    }
}
