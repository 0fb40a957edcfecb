package io.nlb4j.balancer.internal.forwarding;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The PROXY protocol headers the load balancer sends: Netty's {@link HAProxyMessage}, encoded by its encoder. */
final class ProxyHeaders {

    private ProxyHeaders() {
    }

    /**
     * The header of a TCP connection from {@code source} to {@code destination}. Two IPv4 addresses make a TCP4
     * header, else both are written as IPv6 (an IPv4 address as its IPv4-mapped form) in a TCP6 one.
     *
     * @param version V1 or V2
     * @param source the client
     * @param destination where it connected
     * @return the header, to be written (the encoder releases it)
     */
    static HAProxyMessage of(HAProxyProtocolVersion version, InetSocketAddress source,
                             InetSocketAddress destination) {
        InetAddress s = source.getAddress();
        InetAddress d = destination.getAddress();
        if (s instanceof Inet4Address && d instanceof Inet4Address) {
            return new HAProxyMessage(version, HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP4,
                    s.getHostAddress(), d.getHostAddress(), source.getPort(), destination.getPort());
        }
        return new HAProxyMessage(version, HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP6, v6(s), v6(d),
                source.getPort(), destination.getPort());
    }

    private static String v6(InetAddress a) {
        if (a instanceof Inet6Address) {
            return a.getHostAddress();
        }
        byte[] v4 = a.getAddress();
        return String.format("::ffff:%d.%d.%d.%d", v4[0] & 0xff, v4[1] & 0xff, v4[2] & 0xff, v4[3] & 0xff);
    }
}
