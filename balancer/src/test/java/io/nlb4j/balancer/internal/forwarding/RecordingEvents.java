package io.nlb4j.balancer.internal.forwarding;

import io.nlb4j.balancer.LoadBalancerEvent.RejectReason;
import java.net.InetAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** The forwarding path's events as a test sees them: refusals as {@code "REASON detail"}, failed connects counted. */
final class RecordingEvents implements ForwardingEvents {

    final Queue<String> rejections = new ConcurrentLinkedQueue<>();
    final AtomicInteger connectFailures = new AtomicInteger();

    @Override
    public void rejected(ListenerPath listener, InetAddress client, RejectReason reason, String detail) {
        rejections.add(reason + " " + detail);
    }

    @Override
    public void connectFailed(ListenerPath listener, ServiceRoute route, Endpoint endpoint, Throwable cause) {
        connectFailures.incrementAndGet();
    }

    @Override
    public void failed(ServiceRoute route, Endpoint endpoint, int consecutive) {
    }

    @Override
    public void drained(ServiceRoute route, Endpoint endpoint) {
    }

    @Override
    public void idle(ListenerPath listener) {
    }
}
