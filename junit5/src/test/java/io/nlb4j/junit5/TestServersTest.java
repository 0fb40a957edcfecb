package io.nlb4j.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test servers on their own: what they answer, and how they are made unhealthy, slow or refusing. */
class TestServersTest {

    private static String http(InetSocketAddress address, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void theEchoServerSendsEveryByteBackAndHalfClosesAfterTheClient() throws IOException {
        try (EchoServer echo = TestServers.echo("e"); Socket s = new Socket()) {
            s.connect(echo.address(), 5000);
            s.setSoTimeout(10_000);
            byte[] data = new byte[300_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31);
            }
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            writer.start();
            InputStream in = s.getInputStream();
            assertThat(in.readAllBytes()).isEqualTo(data); // then the end of the stream
            assertThat(echo.connections()).isEqualTo(1);
        }
    }

    @Test
    void theWhoAmIServerAnswersEachLineAndAnHttpRequestWithItsId() throws IOException {
        try (WhoAmIServer who = TestServers.whoAmI("web-ag-7")) {
            assertThat(WhoAmIServer.ask(who.address())).isEqualTo("web-ag-7");
            assertThat(http(who.address(), "/anything")).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nweb-ag-7\n");
        }
    }

    @Test
    void theHealthCheckAnswers200Or503() throws IOException {
        try (WhoAmIServer who = TestServers.whoAmI("w"); EchoServer echo = TestServers.echo("e")) {
            for (TestServer s : new TestServer[] {who, echo}) {
                assertThat(http(s.address(), TestServer.HEALTH_PATH)).as(s.toString()).startsWith("HTTP/1.1 200 OK");
                s.unhealthy(true);
                assertThat(http(s.address(), TestServer.HEALTH_PATH)).as(s.toString())
                        .startsWith("HTTP/1.1 503 Service Unavailable");
                assertThat(s.healthChecks()).isEqualTo(2);
            }
            // Traffic is still served while unhealthy.
            assertThat(WhoAmIServer.ask(who.address())).isEqualTo("w");
        }
    }

    @Test
    void aRefusingServerRefusesConnectionsThenListensOnTheSamePortAgain() {
        try (WhoAmIServer who = TestServers.whoAmI("w")) {
            InetSocketAddress before = who.address();
            who.refusing(true);
            assertThat(who.isRefusing()).isTrue();
            assertThatThrownBy(() -> WhoAmIServer.ask(before)).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(ConnectException.class);
            who.refusing(false);
            assertThat(who.address()).isEqualTo(before);
            assertThat(WhoAmIServer.ask(before)).isEqualTo("w");
        }
    }

    @Test
    void aSlowServerWaitsBeforeEachAnswer() {
        try (WhoAmIServer who = TestServers.whoAmI("w")) {
            who.slow(Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThat(WhoAmIServer.ask(who.address())).isEqualTo("w");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            who.slow(Duration.ZERO);
            assertThatThrownBy(() -> who.slow(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("delay: PT-0.001S (expected: zero or a positive duration)");
        }
    }

    @Test
    void closeEndsOpenConnections() throws IOException {
        EchoServer echo = TestServers.echo("e");
        try (Socket s = new Socket()) {
            s.connect(echo.address(), 5000);
            s.setSoTimeout(10_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.openConnections() == 1);
            echo.close();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThatThrownBy(() -> echo.refusing(false)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("test server e is closed");
        }
    }
}
