package io.nlb4j.balancer.internal.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.nlb4j.balancer.SocketTransport;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which transport is chosen, and what the forwarding path relies on its transports for. */
class TransportsTest {

    private static Function<SocketTransport, Optional<String>> missing(SocketTransport... absent) {
        Set<SocketTransport> gone = Set.of(absent);
        return t -> gone.contains(t) ? Optional.of(t + " missing") : Optional.empty();
    }

    @Test
    void autoTakesIoUringThenEpollThenNio() {
        assertThat(Transports.choose(SocketTransport.AUTO, missing())).isEqualTo(Transports.IO_URING);
        assertThat(Transports.choose(SocketTransport.AUTO, missing(SocketTransport.IO_URING)))
                .isEqualTo(Transports.EPOLL);
        assertThat(Transports.choose(SocketTransport.AUTO, missing(SocketTransport.IO_URING, SocketTransport.EPOLL)))
                .isEqualTo(Transports.NIO);
    }

    @Test
    void aTransportNamedButMissingIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Transports.choose(SocketTransport.IO_URING, missing(SocketTransport.IO_URING)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("IO_URING is not available here: IO_URING missing");
        assertThat(Transports.choose(SocketTransport.EPOLL, missing(SocketTransport.IO_URING)))
                .isEqualTo(Transports.EPOLL);
    }

    @Test
    void theMachinesOwnVerdictAgreesWithTheChoice() {
        SocketTransport auto = SocketTransport.AUTO.resolve();
        assertThat(auto).isNotEqualTo(SocketTransport.AUTO);
        assertThat(auto.isAvailable()).isTrue();
        assertThat(SocketTransport.NIO.isAvailable()).isTrue();
        for (SocketTransport t : SocketTransport.values()) {
            if (t != SocketTransport.AUTO && t.ordinal() < auto.ordinal()) {
                assertThat(t.unavailability()).as(t + " comes before " + auto + ", so it must be missing").isPresent();
            }
        }
    }

    /** The forwarding path does not set TCP_NODELAY itself (one setsockopt less per socket): it relies on this. */
    @Test
    void everyTransportsSocketsHaveNagleOffFromTheStart() {
        for (Transports t : Transports.values()) {
            if (!t.kind().isAvailable()) {
                continue;
            }
            Channel ch = t.socketChannels().get();
            try {
                assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).as(t.name()).isTrue();
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }
}
