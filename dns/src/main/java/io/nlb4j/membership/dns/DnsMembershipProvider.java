package io.nlb4j.membership.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.nlb4j.membership.Member;
import io.nlb4j.membership.SnapshotMembershipProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend service's servers from DNS: the A or AAAA records of a name (each address on a given port), or its SRV
 * records (each target's addresses on the record's port, with the record's weight, 0 taken as 1 and more than 100
 * as 100). Looked up through Netty's asynchronous resolver, without a cache, again when the shortest TTL of the
 * answer runs out, at least once a second and at most every {@code refresh}. A failed lookup keeps the last good
 * servers and is reported; an answer without records is a source listing no servers.
 */
public final class DnsMembershipProvider extends SnapshotMembershipProvider {

    private static final Logger log = LoggerFactory.getLogger(DnsMembershipProvider.class);
    private static final long MIN_REFRESH_MILLIS = 1000;

    private final String name;
    private final int port;
    private final DnsRecordType type;
    private final Duration refresh;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final DnsNameResolver resolver;
    private volatile boolean closed;

    /**
     * Starts looking the name up.
     *
     * @param name the name to look up
     * @param port the servers' port for A and AAAA records; ignored for SRV
     * @param type A, AAAA or SRV
     * @param resolvers the DNS servers to ask, in order; empty for the system's
     * @param refresh the longest time between lookups
     */
    public DnsMembershipProvider(String name, int port, DnsRecordType type, List<InetSocketAddress> resolvers,
            Duration refresh) {
        this.name = name;
        this.port = port;
        this.type = type;
        this.refresh = refresh;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("nlb4j-dns-" + name, true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        this.resolver = new DnsNameResolverBuilder(loop).datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(resolvers.isEmpty() ? DnsServerAddressStreamProviders.platformDefault()
                        : new SequentialDnsServerAddressStreamProvider(resolvers.toArray(InetSocketAddress[]::new)))
                .resolveCache(NoopDnsCache.INSTANCE).queryTimeoutMillis(2000).maxQueriesPerResolve(8)
                .build();
        loop.execute(this::lookUp);
    }


    @Override
    public void close() {
        closed = true;
        loop.execute(resolver::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        snapshots.complete();
    }

    private String source() {
        return "dns " + name + ' ' + type.name();
    }

    private void lookUp() {
        if (closed) {
            return;
        }
        Future<List<DnsRecord>> answer = resolver.resolveAll(new DefaultDnsQuestion(name, type));
        answer.addListener(f -> {
            if (!f.isSuccess()) {
                failed(f.cause());
                return;
            }
            @SuppressWarnings("unchecked")
            List<DnsRecord> records = (List<DnsRecord>) f.getNow();
            try {
                long ttl = Long.MAX_VALUE;
                List<Member> found = new ArrayList<>();
                List<Srv> targets = new ArrayList<>();
                for (DnsRecord r : records) {
                    if (!(r instanceof DnsRawRecord raw) || !r.type().equals(type)) {
                        continue;
                    }
                    ttl = Math.min(ttl, r.timeToLive());
                    ByteBuf content = raw.content();
                    if (type.equals(DnsRecordType.SRV)) {
                        int at = content.readerIndex();
                        content.readUnsignedShort(); // priority
                        int weight = content.readUnsignedShort();
                        int srvPort = content.readUnsignedShort();
                        String target = DefaultDnsRecordDecoder.decodeName(content);
                        content.readerIndex(at);
                        targets.add(new Srv(target, srvPort, Math.max(1, Math.min(100, weight))));
                    } else {
                        byte[] address = new byte[content.readableBytes()];
                        content.getBytes(content.readerIndex(), address);
                        found.add(new Member(InetAddress.getByAddress(address).getHostAddress(), port, 1));
                    }
                }
                long nextMillis = ttl == Long.MAX_VALUE ? refresh.toMillis() : TimeUnit.SECONDS.toMillis(ttl);
                if (targets.isEmpty()) {
                    publish(new LinkedHashSet<>(found), nextMillis);
                } else {
                    resolveTargets(targets, 0, new LinkedHashSet<>(), nextMillis);
                }
            } catch (UnknownHostException | RuntimeException e) {
                failed(e);
            } finally {
                records.forEach(ReferenceCountUtil::release);
            }
        });
    }

    private record Srv(String target, int port, int weight) {
    }

    /** Resolves the SRV targets one after the other, through the same resolver. */
    private void resolveTargets(List<Srv> targets, int i, Set<Member> found, long nextMillis) {
        if (i == targets.size()) {
            publish(found, nextMillis);
            return;
        }
        Srv srv = targets.get(i);
        resolver.resolveAll(srv.target()).addListener(f -> {
            if (!f.isSuccess()) {
                failed(new UnknownHostException("SRV target " + srv.target() + ": " + f.cause().getMessage()));
                return;
            }
            @SuppressWarnings("unchecked")
            List<InetAddress> addresses = (List<InetAddress>) f.getNow();
            for (InetAddress a : addresses) {
                found.add(new Member(a.getHostAddress(), srv.port(), srv.weight()));
            }
            resolveTargets(targets, i + 1, found, nextMillis);
        });
    }

    private void publish(Set<Member> found, long nextMillis) {
        if (snapshots.publish(found)) {
            log.info("{}: {} servers", source(), found.size());
        }
        schedule(nextMillis);
    }

    private void failed(Throwable cause) {
        Set<Member> last = snapshots.last();
        String problem = source() + ": lookup failed (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                + ')' + (last == null ? "; no servers yet" : "; the last " + last.size() + " servers are kept");
        if (snapshots.problem(problem)) {
            log.warn("{}", problem);
        }
        schedule(refresh.toMillis());
    }

    private void schedule(long millis) {
        if (!closed) {
            long delay = Math.max(MIN_REFRESH_MILLIS, Math.min(refresh.toMillis(), millis));
            loop.schedule(this::lookUp, delay, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public String toString() {
        return source();
    }
}
