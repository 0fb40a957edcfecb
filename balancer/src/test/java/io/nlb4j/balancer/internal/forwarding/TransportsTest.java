package io.nlb4j.balancer.internal.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

/** What the forwarding path relies on its transports for. */
class TransportsTest {

    /** The forwarding path does not set TCP_NODELAY itself (one setsockopt less per socket): it relies on this. */
    @Test
    void everyTransportsSocketsHaveNagleOffFromTheStart() {
        for (Transports t : Transports.values()) {
            if (t == Transports.EPOLL && !Epoll.isAvailable()) {
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
